"""Rasa NLU component adding a ``tone`` block and a ``scope`` block to every parse result.

Listed in ``config.yml`` and trained by ``rasa train``: the tone model from
``nlu_data/tone/*.yml`` (its flag lexicon ``nlu_data/tone/lexicon.yml`` is
stored inside the model, so a served model needs no project files), the
out-of-domain score (:mod:`nlu_components.scope`) from the intents' own
training examples.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.flags import FlagLexicon
from nlu_components.scope import ScopeModel
from nlu_components.tone_model import ToneModel, load_tone_data

TONE, SCOPE = "tone", "scope"
_MODEL_FILE = "tone.pkl"
_SCOPE_FILE = "scope.pkl"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class ToneClassifier(GraphComponent):
    """Tone (angry / negative / neutral / positive) with scores, and insult / threat / press / crisis flags."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"data": "nlu_data/tone", "lexicon": "nlu_data/tone/lexicon.yml", "regularisation": 0.4}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the tone data, the lexicon or the models' code change, though the pipeline config did not."""
        config = {**cls.get_default_config(), **config}
        digest = hashlib.sha256()
        code = sorted(Path(__file__).parent.glob("*.py"))
        for path in sorted(Path(config["data"]).glob("*.yml")) + [Path(config["lexicon"])] + code:
            digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[ToneModel] = None, scope: Optional[ScopeModel] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._scope = scope

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ToneClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "ToneClassifier":
        with model_storage.read_from(resource) as directory:
            model = pickle.loads((directory / _MODEL_FILE).read_bytes())
            scope_file = directory / _SCOPE_FILE
            scope = pickle.loads(scope_file.read_bytes()) if scope_file.exists() else None
        return cls(config, model_storage, resource, model, scope)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = load_tone_data(self._config["data"])
        self._model = ToneModel(FlagLexicon.load(self._config["lexicon"]),
                                c=float(self._config["regularisation"])).fit(texts, labels)
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        self._scope = ScopeModel().fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _MODEL_FILE).write_bytes(pickle.dumps(self._model))
            (directory / _SCOPE_FILE).write_bytes(pickle.dumps(self._scope))
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self._model is not None and text:
                message.set(TONE, self._model.analyse(text), add_to_output=True)
            if self._scope is not None and text and not text.startswith("/"):  # a button's payload is in scope
                message.set(SCOPE, self._scope.score(text), add_to_output=True)
        return messages
