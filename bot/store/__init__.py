"""The database: call-back requests, their audit trail and the notification outbox."""
