"""Platform webhooks: verify, translate to neutral InboundMessages, enqueue, answer 200."""
