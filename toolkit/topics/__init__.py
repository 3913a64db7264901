"""Topic models (gensim LDA, scikit-learn NMF), seeded priors, evaluation and topics over time.

Nothing here knows the experiment config: every class and function takes plain keyword
parameters (``TopicModeler(num_topics=9, …).fit(tokens)``); ``toolkit.experiment`` maps the
``topics:`` section onto them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.topics.evaluate import topic_coherence, topic_diversity, topic_stability
    from toolkit.topics.evaluators import (
        Coherence,
        Diversity,
        FittedTopics,
        HeldOutPerplexity,
        Stability,
        evaluate_topics,
    )
    from toolkit.topics.fit import TopicModeler, fit_topics
    from toolkit.topics.inference import infer_topics
    from toolkit.topics.lda import LdaTopicModel
    from toolkit.topics.models import ModelSpec
    from toolkit.topics.nmf import NmfTopicModel
    from toolkit.topics.over_time import topics_over_time
    from toolkit.topics.result import TopicsResult
    from toolkit.topics.seeded import SeededPrior, seeded_eta

_WHERE = {
    "Coherence": "evaluators",
    "Diversity": "evaluators",
    "FittedTopics": "evaluators",
    "HeldOutPerplexity": "evaluators",
    "LdaTopicModel": "lda",
    "ModelSpec": "models",
    "NmfTopicModel": "nmf",
    "SeededPrior": "seeded",
    "Stability": "evaluators",
    "TopicModeler": "fit",
    "TopicsResult": "result",
    "evaluate_topics": "evaluators",
    "fit_topics": "fit",
    "infer_topics": "inference",
    "seeded_eta": "seeded",
    "topic_coherence": "evaluate",
    "topic_diversity": "evaluate",
    "topic_stability": "evaluate",
    "topics_over_time": "over_time",
}

__all__ = [
    "Coherence",
    "Diversity",
    "FittedTopics",
    "HeldOutPerplexity",
    "LdaTopicModel",
    "ModelSpec",
    "NmfTopicModel",
    "SeededPrior",
    "Stability",
    "TopicModeler",
    "TopicsResult",
    "evaluate_topics",
    "fit_topics",
    "infer_topics",
    "seeded_eta",
    "topic_coherence",
    "topic_diversity",
    "topic_stability",
    "topics_over_time",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
