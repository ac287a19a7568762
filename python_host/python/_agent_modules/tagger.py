"""The Datadog agent's builtin `tagger` module (rtloader/common/builtins/tagger.c).

The Datadog agent answers the tags its tagger collected for an entity
(container, pod, ...).  Vigil has no tagger: every entity is unknown, whose
answer in the Datadog agent is `[]`.  Arguments are checked as rtloader
checks them ("si", positional only).
"""

__all__ = ['LOW', 'ORCHESTRATOR', 'HIGH', 'tag', 'get_tags']

# TaggerCardinality in rtloader_types.h.
LOW = 0
ORCHESTRATOR = 1
HIGH = 2


def _check(function, entity_id, number, what):
    if not isinstance(entity_id, str):
        raise TypeError('%s() argument 1 must be str, not %s' % (function, type(entity_id).__name__))
    if isinstance(number, float) or not hasattr(type(number), '__index__'):
        raise TypeError('%s() argument 2 (%s) must be int, not %s'
                        % (function, what, type(number).__name__))
    return number.__index__()


def tag(entity_id, cardinality, /):
    """The tags of an entity at a cardinality (LOW, ORCHESTRATOR or HIGH): []."""
    if _check('tag', entity_id, cardinality, 'cardinality') not in (LOW, ORCHESTRATOR, HIGH):
        raise TypeError('Invalid cardinality')
    return []


def get_tags(entity_id, high_card, /):
    """Deprecated form of tag(): high_card > 0 means HIGH, else LOW.  []."""
    _check('get_tags', entity_id, high_card, 'high_card')
    return []
