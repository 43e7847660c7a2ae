"""The monthly draw as a pure function: candidates in, picks out (no database).

Reproducible: the candidates are put in a fixed order (by child pk) before the seeded
generator gives each a key, so the same seed on the same candidates draws the same
cases. Weighted sampling without replacement uses the Efraimidis–Spirakis method: each
candidate's key is u ** (1 / weight) for u uniform in (0, 1); the highest keys win, so a
case of weight 3 is about three times as likely to be drawn as one of weight 1.

Spread: within a team, picks go round the team's practitioners (each practitioner's best
remaining key in turn), so no practitioner has a second case drawn before every
practitioner with an eligible case has one.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    child_id: int
    worker_id: int
    team_id: int
    weight: int = 1


@dataclass(frozen=True)
class Pick:
    child_id: int
    worker_id: int
    team_id: int


def candidate_weight(
    *, long_cp: bool, re_referral: bool, not_seen: bool, weights: tuple[int, int, int]
) -> int:
    """1, plus each factor's weight where the factor holds."""
    weight_long_cp, weight_re_referral, weight_not_seen = weights
    return (
        1
        + (weight_long_cp if long_cp else 0)
        + (weight_re_referral if re_referral else 0)
        + (weight_not_seen if not_seen else 0)
    )


def _keyed(candidates: Iterable[Candidate], seed: int) -> list[tuple[float, Candidate]]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    keyed = []
    for candidate in sorted(candidates, key=lambda c: c.child_id):
        u = rng.random() or 1e-12
        keyed.append((u ** (1.0 / max(candidate.weight, 1)), candidate))
    return keyed


def _round_robin(keyed: list[tuple[float, Candidate]], count: int) -> list[Candidate]:
    """Up to `count` candidates, one per practitioner per round, best keys first."""
    by_worker: dict[int, list[tuple[float, Candidate]]] = defaultdict(list)
    for key, candidate in keyed:
        by_worker[candidate.worker_id].append((key, candidate))
    queues = {
        worker: sorted(items, key=lambda pair: (-pair[0], pair[1].child_id))
        for worker, items in by_worker.items()
    }
    picked: list[Candidate] = []
    while len(picked) < count and any(queues.values()):
        # This round: each practitioner's best remaining case, best first.
        heads = sorted(
            ((queue[0], worker) for worker, queue in queues.items() if queue),
            key=lambda head: (-head[0][0], head[0][1].child_id),
        )
        for (_, candidate), worker in heads:
            if len(picked) == count:
                break
            picked.append(candidate)
            queues[worker].pop(0)
    return picked


def draw_sample(
    candidates: Iterable[Candidate], *, unit: str, per_unit: int, seed: int
) -> list[Pick]:
    """`per_unit` picks per team (unit "team") or per practitioner (unit "practitioner")."""
    keyed = _keyed(candidates, seed)
    groups: dict[int, list[tuple[float, Candidate]]] = defaultdict(list)
    for key, candidate in keyed:
        group = candidate.team_id if unit == "team" else candidate.worker_id
        groups[group].append((key, candidate))
    picks: list[Pick] = []
    for group in sorted(groups):
        for candidate in _round_robin(groups[group], per_unit):
            picks.append(Pick(candidate.child_id, candidate.worker_id, candidate.team_id))
    return picks
