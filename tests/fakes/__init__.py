"""Local HTTP fakes of outside services, for the real client libraries to talk to."""
