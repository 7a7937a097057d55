"""Evaluation: how good the summaries, stories and topics are, measured against gold
data (the research corpora in ``../shared/corpus/``), beside baselines, and the quality
gate of ``make eval``.

It ships with the package because ``newsdigest eval`` is a user command: anyone can
score newsdigest on their own labelled data.
"""
