"""Rasa custom actions for Relais, served by the rasa-sdk action server (``python -m rasa_sdk --actions actions``).

Split by skill: ``language`` (which language the fan writes in), ``faq``
(drafting answers to the brand's routine questions), ``orders`` (order status).
Actions stay thin: they read the tracker, call the plain functions in
``drafting`` and ``order_store``, and return events.
"""

from actions.faq import ActionDraftReply
from actions.language import ActionDetectLanguage
from actions.orders import ActionOrderStatus

__all__ = ["ActionDetectLanguage", "ActionDraftReply", "ActionOrderStatus"]
