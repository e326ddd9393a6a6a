"""Outlook through Microsoft Graph, app-only, acting for the partnership mailbox.

`factory.graph_ports(settings)` gives the calendar (CalendarPort) and the mail (Mail, plus
`replies`); `doctor.check(settings)` says what works. Only `factory`, `errors` and `inbound`
are cheap to import: the others load msgraph-sdk, kiota and azure-identity.
"""
