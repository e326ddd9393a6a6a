"""What an operator watches from outside: Prometheus metrics and the request id of log lines."""
