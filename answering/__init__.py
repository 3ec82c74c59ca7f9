"""The answer engine: which fact of the knowledge base answers a message, and how the reply
reads. Pure functions and plain classes over ``knowledge``; no Rasa, no spaCy, no I/O
beyond reading data files once. The rasa-sdk actions in ``actions/`` are its thin shells.

- ``analysis``: text -> index terms (lemmas, synonyms, compound parts)
- ``question_type``: what a message asks (how much, how long, who, must I …)
- ``retrieval``: facts ranked for a message, with the priors from NLU and conversation
- ``decision``: answer, ask one question, or say what is known
- ``reply``: the reply as a phone shows it: the answer first, short
- ``figure_check``: every figure of a reply is in the entry it cites
"""
