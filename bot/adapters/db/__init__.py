"""The database adapter: SQLAlchemy 2 (async) models, repositories, unit of work, migrations."""
