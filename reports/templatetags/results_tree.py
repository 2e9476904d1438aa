"""The results framework tree as nested ``<details>`` (collapsible with the keyboard:
Tab to a node's summary, Enter or Space opens and closes it), built in Python: a region's
tree has thousands of nodes, too many for template includes."""
from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from dashboards.tables.columns import percent_text

from ..selectors.results_framework import Node

register = template.Library()


def _figures(node: Node) -> SafeString:
    """Status, achievement and counts in three cells of fixed width at every level (a
    program or an MOE leaves the counts' cell empty), so the columns line up down the tree."""
    counts = "" if node.level in ("program", "moe") else format_html(
        "{} program{}, {} running", node.programs, "" if node.programs == 1 else "s", node.running)
    return format_html(
        '<span class="rf-figures"><span class="rf-status-cell"><span class="usa-tag rf-status status-{}">{}</span>'
        '</span><span class="rf-achievement" data-achievement>{}</span><span class="rf-count">{}</span></span>',
        node.status, node.status_label, percent_text(None if node.achievement is None else node.achievement * 100),
        counts)


def node_html(node: Node, depth: int = 0) -> SafeString:
    """One node and its children: a row of level, label (and detail) and figures. A link
    never sits inside a ``<summary>`` (a control inside a control): a node with children
    has its link at the top of its open content."""
    title = format_html('<a href="{}">{}</a>', node.url, node.label) if node.url and not node.children else node.label
    detail = format_html(' <span class="rf-detail">{}</span>', node.detail) if node.detail else ""
    head = format_html('<span class="rf-level">{}</span> <span class="rf-text"><span class="rf-label">{}</span>{}</span>{}',
                       node.level_label, title, detail, _figures(node))
    if not node.children:
        return format_html('<li class="rf-node rf-{}" data-level="{}" data-key="{}"><div class="rf-leaf">{}</div></li>',
                           node.level, node.level, node.key, head)
    children = mark_safe("".join(node_html(child, depth + 1) for child in node.children))
    link = format_html('<p class="rf-open"><a href="{}">Open {}</a></p>', node.url, node.label) if node.url else ""
    return format_html(
        '<li class="rf-node rf-{}" data-level="{}" data-key="{}"><details{}><summary>{}</summary>'
        '{}<ul class="rf-children">{}</ul></details></li>',
        node.level, node.level, node.key, " open" if depth == 0 else "", head, link, children)


@register.simple_tag
def results_tree(goals: list[Node]) -> SafeString:
    """The whole tree: goals open, everything below closed."""
    return format_html('<ul class="rf-tree" aria-label="Results framework">{}</ul>',
                       format_html_join("", "{}", ((node_html(goal),) for goal in goals)))
