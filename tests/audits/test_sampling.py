"""The draw as a pure function: reproducible, weighted, spread across practitioners."""

from collections import Counter

from audits.sampling import Candidate, candidate_weight, draw_sample


def _candidates(teams=2, workers=3, cases=4, weight=lambda child: 1):
    child = 0
    rows = []
    for team in range(1, teams + 1):
        for worker in range(1, workers + 1):
            for _ in range(cases):
                child += 1
                rows.append(Candidate(child, team * 100 + worker, team, weight(child)))
    return rows


def test_same_seed_same_sample():
    candidates = _candidates()

    first = draw_sample(candidates, unit="team", per_unit=3, seed=42)
    second = draw_sample(list(reversed(candidates)), unit="team", per_unit=3, seed=42)

    assert first == second
    assert len(first) == 6


def test_another_seed_gives_another_sample():
    candidates = _candidates()
    samples = {tuple(draw_sample(candidates, unit="team", per_unit=3, seed=s)) for s in range(5)}

    assert len(samples) > 1


def test_picks_spread_across_the_team_practitioners():
    picks = draw_sample(_candidates(teams=1, workers=3, cases=5), unit="team", per_unit=3, seed=7)

    assert sorted(Counter(p.worker_id for p in picks).values()) == [1, 1, 1]


def test_a_practitioner_has_a_second_case_only_when_everyone_has_one():
    picks = draw_sample(_candidates(teams=1, workers=3, cases=5), unit="team", per_unit=5, seed=7)

    assert sorted(Counter(p.worker_id for p in picks).values()) == [1, 2, 2]


def test_per_practitioner_draws_from_each_practitioner():
    picks = draw_sample(
        _candidates(teams=1, workers=3, cases=5), unit="practitioner", per_unit=2, seed=1
    )

    assert Counter(p.worker_id for p in picks) == {101: 2, 102: 2, 103: 2}


def test_fewer_candidates_than_asked_gives_all_of_them():
    picks = draw_sample(_candidates(teams=1, workers=1, cases=2), unit="team", per_unit=5, seed=3)

    assert {p.child_id for p in picks} == {1, 2}


def test_weighting_raises_the_chance_of_being_drawn():
    # One practitioner, 20 cases; cases 1-5 weigh 10. Over 400 seeds, a heavy case is drawn
    # far more often than a light one.
    candidates = _candidates(teams=1, workers=1, cases=20, weight=lambda c: 10 if c <= 5 else 1)
    drawn = Counter(
        p.child_id
        for seed in range(400)
        for p in draw_sample(candidates, unit="team", per_unit=2, seed=seed)
    )
    heavy = sum(drawn[c] for c in range(1, 6)) / 5
    light = sum(drawn[c] for c in range(6, 21)) / 15

    assert heavy > 4 * light


def test_candidate_weight_adds_each_factor_that_holds():
    weights = (3, 2, 1)

    assert candidate_weight(long_cp=False, re_referral=False, not_seen=False, weights=weights) == 1
    assert candidate_weight(long_cp=True, re_referral=False, not_seen=True, weights=weights) == 5
    assert candidate_weight(long_cp=True, re_referral=True, not_seen=True, weights=weights) == 7
