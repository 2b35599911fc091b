"""The channels Relais knows, by platform: the one place that names them.

Each value is ``module:Class`` of a ``bot.channels.Channel``; the gateway
serves every enabled channel's webhook and the workers send through it.
"""

CHANNELS: dict[str, str] = {
    "messenger": "webhooks.messenger:MessengerChannel",
    "x": "webhooks.x:XChannel",
}
