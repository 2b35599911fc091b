"""Relais: the gateway worker that turns fans' messages into answered, held or escalated replies."""
