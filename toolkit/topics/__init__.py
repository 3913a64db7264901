"""Topic models (gensim LDA, scikit-learn NMF), seeded priors, evaluation and topics over time."""

from toolkit.topics.evaluate import topic_coherence, topic_diversity, topic_stability
from toolkit.topics.inference import infer_topics
from toolkit.topics.lda import LdaTopicModel
from toolkit.topics.nmf import NmfTopicModel
from toolkit.topics.over_time import topics_over_time
from toolkit.topics.result import TopicsResult
from toolkit.topics.seeded import seeded_eta
from toolkit.topics.stage import fit_topics

__all__ = [
    "LdaTopicModel",
    "NmfTopicModel",
    "TopicsResult",
    "fit_topics",
    "infer_topics",
    "seeded_eta",
    "topic_coherence",
    "topic_diversity",
    "topic_stability",
    "topics_over_time",
]
