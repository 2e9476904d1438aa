"""The results framework: how programs serve the policy's goals, as a tree

    goal -> sub-goal -> strategy objective -> program -> MOE

with status and achievement at every level, for the whole portfolio or the programs of a
country or region. Set-based: a fixed number of queries whatever the size (the scope's
programs with their rollups, their goal and objective links, the objectives and their
goals, the goals, and, when MOEs are shown, the MOEs and their latest achievements).

Where a program hangs: under each goal it serves (``Program.goals``), beneath every
objective of the program linked to that goal or to the goal's parent; under "not linked
to a strategy objective" when it has none there. A program serving several goals appears
under each. Programs with no goal are listed under "No goal recorded".

Figures (``docs/evaluations.md``): a program's and an MOE's achievement and status are
the stored rollups (``ProgramRollup``, the MOE's latest ``MoeAchievement``); a goal,
sub-goal or objective gets the rollup rule of groups applied to the distinct running
programs beneath it, :func:`evaluations.computations.achievement.group_achievement`
(mean weighted by each program's obligated funding over the window, its rollup's
``funding_weight``; equal weights when none has funding), with the status thresholds of
:func:`~evaluations.computations.achievement.status_of`. Over the whole portfolio a goal's
figure is therefore the stored goal rollup (a test holds them equal).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from programs.links import program_url
from evaluations.computations.achievement import group_achievement
from evaluations.models import MoeAchievement
from programs.models import (
    RUNNING_STATUSES,
    Goal,
    MeasureOfEffectiveness,
    Objective,
    Program,
    ProgramStatus,
)

# Beyond these sizes the page stops at the level above (the export has everything up to
# programs): a region at the large benchmark size has thousands of programs.
PROGRAMS_SHOWN_MAX = 1500
MOES_SHOWN_MAX_PROGRAMS = 400
STATUS_LABELS = {"on_track": "On track", "needs_attention": "Needs attention", "off_track": "Off track",
                 "no_data": "No data"}
PROGRAM_STATUS_LABELS = dict(ProgramStatus.choices)
LEVEL_LABELS = {"goal": "Goal", "sub_goal": "Sub-goal", "objective": "Strategy objective",
                "no_objective": "Strategy objective", "no_goal": "Goal", "program": "Program", "moe": "MOE"}


@dataclass
class Node:
    """One node of the tree. ``achievement``: a fraction (None: no data); ``status``: a
    RollupStatus key; ``programs``: distinct programs beneath (counted or not),
    ``running``: those that count in the figure; ``detail``: a short description."""

    level: str
    key: str
    label: str
    achievement: float | None
    status: str
    url: str = ""
    detail: str = ""
    programs: int = 0
    running: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass
class Framework:
    """The tree and what it holds: program count in scope, and whether programs and MOEs
    are shown (beyond the limits, the tree stops above them)."""

    goals: list[Node]
    program_count: int
    shows_programs: bool
    shows_moes: bool


@dataclass(frozen=True)
class _Program:
    id: int
    code: str
    title: str
    status: str
    agency: str
    achievement: float | None
    rollup_status: str
    weight: float


def _programs(scope: QuerySet[Program]) -> dict[int, _Program]:
    rows = scope.values_list("id", "code", "title", "status", "lead_agency__code", "rollup__achievement",
                             "rollup__status", "rollup__funding_weight").order_by("code")
    return {r[0]: _Program(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "no_data", float(r[7] or 0)) for r in rows}


def _group_figure(programs: list[_Program]) -> tuple[float | None, str, int]:
    """(achievement, status, running programs counted) of a group of distinct programs."""
    running = [p for p in programs if p.status in RUNNING_STATUSES]
    figure = group_achievement((p.weight, p.achievement) for p in running)
    return figure.achievement, figure.status, len(running)


def _program_node(program: _Program, prefix: str, moes: dict[int, list[Node]] | None) -> Node:
    return Node("program", f"{prefix}-p{program.id}", f"{program.code} {program.title}", program.achievement,
                program.rollup_status, url=program_url(program.id),
                detail=f"{program.agency}, {PROGRAM_STATUS_LABELS.get(program.status, program.status)}",
                programs=1, running=int(program.status in RUNNING_STATUSES),
                children=list(moes.get(program.id, [])) if moes is not None else [])


def _moe_nodes(program_ids: list[int]) -> dict[int, list[Node]]:
    latest = {moe_id: (achievement, status, period) for moe_id, achievement, status, period in
              MoeAchievement.objects.filter(program_id__in=program_ids, is_latest=True)
              .values_list("moe_id", "achievement", "status", "period")}
    nodes: dict[int, list[Node]] = defaultdict(list)
    for moe_id, program_id, name, unit in (MeasureOfEffectiveness.objects.filter(
            program_id__in=program_ids, archived_at__isnull=True).order_by("program_id", "id")
            .values_list("id", "program_id", "name", "unit")):
        achievement, status, period = latest.get(moe_id, (None, "no_data", ""))
        nodes[program_id].append(Node("moe", f"m{moe_id}", name, achievement, status or "no_data",
                                      detail=f"{unit}; latest period {period}" if period else unit))
    return nodes


def results_framework(*, country_ids: list[int] | None = None, every_program: bool = False) -> Framework:
    """The results framework of the programs (not archived) in ``country_ids`` (None: the
    whole portfolio). See the module docstring for the rules. Programs are shown up to
    PROGRAMS_SHOWN_MAX (``every_program``: always, for the export), MOEs up to
    MOES_SHOWN_MAX_PROGRAMS programs."""
    scope = Program.objects.filter(archived_at__isnull=True)
    if country_ids is not None:
        scope = scope.filter(id__in=Program.countries.through.objects.filter(
            country_id__in=country_ids).values("program_id"))
    programs = _programs(scope)
    ids = scope.values("id")
    goal_links: dict[int, set[int]] = defaultdict(set)
    for program_id, goal_id in Program.goals.through.objects.filter(program_id__in=ids).values_list(
            "program_id", "goal_id"):
        goal_links[program_id].add(goal_id)
    objective_links: dict[int, set[int]] = defaultdict(set)
    for program_id, objective_id in Program.objectives.through.objects.filter(program_id__in=ids).values_list(
            "program_id", "objective_id"):
        objective_links[program_id].add(objective_id)
    used_objectives = Objective.objects.filter(id__in=Program.objectives.through.objects.filter(
        program_id__in=ids).values("objective_id"))
    objectives = {o.id: o for o in used_objectives.select_related("strategy").only(
        "id", "code", "description", "strategy__title")}
    objective_goals: dict[int, set[int]] = defaultdict(set)
    for objective_id, goal_id in Objective.goals.through.objects.filter(
            objective_id__in=used_objectives.values("id")).values_list("objective_id", "goal_id"):
        objective_goals[objective_id].add(goal_id)
    goals = list(Goal.objects.order_by("sort_order", "code").only("id", "code", "title", "parent_id"))
    parent_of = {g.id: g.parent_id for g in goals}

    shows_programs = every_program or len(programs) <= PROGRAMS_SHOWN_MAX
    shows_moes = len(programs) <= MOES_SHOWN_MAX_PROGRAMS
    moes = _moe_nodes(list(programs)) if shows_moes else None

    # goal id -> objective id (None: not linked) -> program ids
    placed: dict[int, dict[int | None, list[int]]] = defaultdict(lambda: defaultdict(list))
    for program_id in programs:
        for goal_id in goal_links.get(program_id, ()):
            near = {goal_id, parent_of.get(goal_id)}
            linked = sorted(o for o in objective_links.get(program_id, ()) if objective_goals.get(o, set()) & near)
            for objective_id in linked or [None]:
                placed[goal_id][objective_id].append(program_id)

    def group_node(level: str, key: str, label: str, program_ids: list[int], children: list[Node],
                   detail: str = "") -> Node:
        members = [programs[i] for i in dict.fromkeys(program_ids)]
        achievement, status, running = _group_figure(members)
        return Node(level, key, label, achievement, status, detail=detail, programs=len(members), running=running,
                    children=children)

    def objective_nodes(goal_id: int) -> tuple[list[Node], list[int]]:
        nodes, under = [], []
        by_objective = placed.get(goal_id, {})
        ordered = sorted((o for o in by_objective if o is not None),
                         key=lambda o: (objectives[o].strategy.title, objectives[o].code))
        for objective_id in [*ordered, *([None] if None in by_objective else [])]:
            program_ids = sorted(by_objective[objective_id], key=lambda i: programs[i].code)
            under += program_ids
            prefix = f"g{goal_id}-o{objective_id or 0}"
            children = [_program_node(programs[i], prefix, moes) for i in program_ids] if shows_programs else []
            if objective_id is None:
                nodes.append(group_node("no_objective", prefix, "Not linked to a strategy objective", program_ids,
                                        children))
            else:
                objective = objectives[objective_id]
                nodes.append(group_node("objective", prefix, f"{objective.code} {objective.description}",
                                        program_ids, children, detail=objective.strategy.title))
        return nodes, under

    tree = []
    for goal in (g for g in goals if g.parent_id is None):
        children, under = objective_nodes(goal.id)
        sub_nodes = []
        for sub in (g for g in goals if g.parent_id == goal.id):
            sub_children, sub_under = objective_nodes(sub.id)
            if sub_under:
                sub_nodes.append(group_node("sub_goal", f"g{sub.id}", f"{sub.code} {sub.title}", sub_under,
                                            sub_children))
                under += sub_under
        tree.append(group_node("goal", f"g{goal.id}", f"{goal.code} {goal.title}", under, sub_nodes + children))
    without_goal = sorted((i for i in programs if not goal_links.get(i)), key=lambda i: programs[i].code)
    if without_goal:
        children = [_program_node(programs[i], "g0", moes) for i in without_goal] if shows_programs else []
        tree.append(group_node("no_goal", "g0", "No goal recorded", without_goal, children))
    return Framework(tree, len(programs), shows_programs, shows_moes)


EXPORT_COLUMNS = ["Level", "Goal", "Sub-goal", "Strategy objective", "Program", "MOE", "Detail", "Status",
                  "Achievement (%)", "Programs", "Running programs counted"]


def framework_rows(framework: Framework) -> list[list]:
    """The tree depth-first as export rows (``EXPORT_COLUMNS``): each node with the labels
    of its ancestors, its status and its achievement in percent (one decimal)."""
    rows: list[list] = []
    slots = {"goal": 0, "no_goal": 0, "sub_goal": 1, "objective": 2, "no_objective": 2, "program": 3, "moe": 4}

    def walk(node: Node, path: list[str]) -> None:
        path = path[:slots[node.level]] + [""] * max(0, slots[node.level] - len(path)) + [node.label]
        cells = path + [""] * (5 - len(path))
        percent = None if node.achievement is None else round(node.achievement * 100, 1)
        rows.append([node.level_label, *cells, node.detail, node.status_label, percent,
                     node.programs if node.level not in ("moe",) else "", node.running if node.level != "moe" else ""])
        for child in node.children:
            walk(child, path)

    for goal in framework.goals:
        walk(goal, [])
    return rows
