"""Custom Rasa NLU components of Relais, loaded by the Rasa server (``PYTHONPATH`` = project root).

They run in the Rasa virtualenv, so they import only what Rasa ships
(scikit-learn, NumPy, PyYAML) and the standard library.
"""
