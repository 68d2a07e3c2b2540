"""The dashboard's French HTML pages.

Every value that comes from the store is escaped (``_e``): a visitor's message is shown as
the characters typed, never as markup. No inline script or style (the Content-Security-Policy
forbids them): the charts are drawn by web/admin.js from the tables of figures next to them.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Iterable, Optional, Sequence, Tuple
from urllib.parse import urlencode

from admin import labels
from admin.stats import Dashboard, HandoffRequest, InboxGroup, Period
from bot.typography import NBSP, NNBSP, french

DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
MONTHS_LONG = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")
INBOX_SHOWN = 200
TOPICS_SHOWN = 15


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _t(text: str) -> str:
    """Our own French text: typeset, then escaped."""
    return _e(french(text))


def number(n: int) -> str:
    return f"{n:,}".replace(",", NNBSP)


def counted(n: int, one: str, many: str) -> str:
    """« 0 conversation », « 1 conversation », « 2 conversations » (French: 0 and 1 take the singular)."""
    return f"{number(n)} {one if n < 2 else many}"


def _word(n: int, one: str, many: str) -> str:
    return one if n < 2 else many


def percent(fraction: float) -> str:
    value = f"{fraction * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{value}{NNBSP}%"


def day_short(day: dt.date) -> str:
    return f"{DAYS[day.weekday()]} {_day_number(day)} {MONTHS[day.month - 1]}"


def day_long(day: dt.date) -> str:
    return f"{_day_number(day)} {MONTHS_LONG[day.month - 1]} {day.year}"


def _day_number(day: dt.date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def moment(timestamp: float, zone: dt.tzinfo) -> str:
    when = dt.datetime.fromtimestamp(timestamp, zone)
    return f"{_day_number(when.date())} {MONTHS[when.month - 1]} {when.year} à {when.hour}{NBSP}h{NBSP}{when:%M}"


def _time(timestamp: float, zone: dt.tzinfo) -> str:
    when = dt.datetime.fromtimestamp(timestamp, zone)
    return f'<time datetime="{when.isoformat(timespec="minutes")}">{_e(moment(timestamp, zone))}</time>'


# --- page frame --------------------------------------------------------------------------


def page(title: str, body: str, charts: bool = False) -> bytes:
    scripts = '<script src="/vendor/chart.umd.min.js" defer></script>\n<script src="/admin/admin.js" defer></script>\n' if charts else ""
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{_t(title)} · Assistant d’orientation</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/admin/admin.css">
{scripts}</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
{body}
</body>
</html>
""".encode("utf-8")


def message_page(title: str, paragraphs: Sequence[str], link: Optional[Tuple[str, str]] = None) -> bytes:
    """A short page that says what happened and what to do (errors, dashboard disabled)."""
    text = "\n".join(f"<p>{_t(p)}</p>" for p in paragraphs)
    action = f'<p><a href="{_e(link[0])}">{_t(link[1])}</a></p>' if link else ""
    return page(title, f'<main id="contenu" class="narrow" tabindex="-1">\n<h1>{_t(title)}</h1>\n{text}\n{action}\n</main>')


def login_page(csrf: str, error: str = "") -> bytes:
    alert = f'<p class="alert" role="alert">{_t(error)}</p>' if error else ""
    body = f"""<main id="contenu" class="narrow" tabindex="-1">
<h1>{_t("Tableau de bord du service")}</h1>
<p>{_t("Réservé au service d'orientation : saisissez le mot de passe du tableau de bord.")}</p>
{alert}
<form method="post" action="/admin/connexion" class="login">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<label for="password">Mot de passe</label>
<input type="text" name="username" value="service" autocomplete="username" hidden>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" class="button">Se connecter</button>
</form>
</main>"""
    return page("Connexion", body)


# --- dashboard -----------------------------------------------------------------------------


def _query(period: Period) -> str:
    return urlencode({"du": period.start.isoformat(), "au": period.end.isoformat()})


def _export(name: str, what: str, period: Period) -> str:
    return f'<p class="export"><a href="/admin/export/{name}.csv?{_e(_query(period))}">{_t(what)}</a></p>'


def _hidden(csrf: str, period: Period) -> str:
    return (
        f'<input type="hidden" name="csrf" value="{_e(csrf)}">'
        f'<input type="hidden" name="du" value="{period.start.isoformat()}">'
        f'<input type="hidden" name="au" value="{period.end.isoformat()}">'
    )


def _table(
    ident: str, caption: str, header: Sequence[str], rows: Iterable[Sequence[str]], chart: str = "", numeric: Optional[Sequence[int]] = None
) -> str:
    """A table of figures; ``chart`` ("bar", "hbar", "stacked") asks web/admin.js to draw it too.

    Each cell is already HTML (escaped by the caller); the first cell of a row is its header.
    ``numeric``: the columns of figures (right-aligned), all but the first by default."""
    numbers = set(range(1, len(header)) if numeric is None else numeric)

    def kind(i: int) -> str:
        return ' class="num"' if i in numbers else ""

    head = "".join(f'<th scope="col"{kind(i)}>{_t(h)}</th>' for i, h in enumerate(header))
    body = [
        "<tr>" + f'<th scope="row">{row[0]}</th>' + "".join(f"<td{kind(i)}>{c}</td>" for i, c in enumerate(row[1:], start=1)) + "</tr>"
        for row in rows
    ]
    # Nothing to draw without rows: the table says so instead.
    attrs = f' data-chart="{chart}"' if chart and body else ""
    if not body:
        body.append(f'<tr><td colspan="{len(header)}">{_t("Rien sur cette période.")}</td></tr>')
    return (
        f'<div class="table-wrap" role="region" aria-labelledby="{ident}-caption" tabindex="0">'
        f'<table id="{ident}"{attrs}><caption id="{ident}-caption">{_t(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _figure(table: str, chart: bool) -> str:
    # The chart (drawn by web/admin.js) goes in .chart-area; the table stays, with the numbers.
    area = '<div class="chart-area"></div>' if chart else ""
    return f'<div class="figure">{area}{table}</div>'


def _section(ident: str, title: str, content: str) -> str:
    return f'<section id="{ident}" aria-labelledby="{ident}-titre">\n<h2 id="{ident}-titre">{_t(title)}</h2>\n{content}\n</section>'


def _value(n: int) -> str:
    return f'<span data-value="{n}">{number(n)}</span>'


def dashboard_page(data: Dashboard, csrf: str, notice: str = "") -> bytes:
    period = data.period
    up, down = data.ratings
    summary = [
        (number(data.conversations), _word(data.conversations, "conversation", "conversations")),
        (number(data.messages), _word(data.messages, "message de visiteur", "messages de visiteurs")),
        (percent(data.fallback_rate), "des messages non compris"),
        (percent(data.out_of_scope_rate), "des messages hors sujet"),
        (number(data.funnel.completed), _word(data.funnel.completed, "entretien terminé", "entretiens terminés")),
        (percent(up / (up + down)) if up + down else "—", "d'avis positifs"),
        (number(data.new_handoffs), _word(data.new_handoffs, "demande de contact à traiter", "demandes de contact à traiter")),
    ]
    kpis = "".join(f'<li><span class="kpi-value">{_e(v)}</span> <span class="kpi-label">{_t(label)}</span></li>' for v, label in summary)
    notice_html = f'<p class="notice" role="status">{_t(notice)}</p>' if notice else ""
    title = f"Du {day_long(period.start)} au {day_long(period.end)}"

    header = f"""<header class="admin-header">
<div>
<p class="site-name">{_t("Assistant d'orientation « assistant médical »")}</p>
<h1>{_t("Tableau de bord du service")}</h1>
</div>
<form method="post" action="/admin/deconnexion"><input type="hidden" name="csrf" value="{_e(csrf)}"><button type="submit" class="button button-secondary">Se déconnecter</button></form>
</header>
<nav class="admin-nav" aria-label="Sections du tableau de bord"><ul>
<li><a href="#activite">Activité</a></li><li><a href="#sujets">Sujets</a></li><li><a href="#questions">Questions sans réponse</a></li>
<li><a href="#entretien">Entretien</a></li><li><a href="#avis">Avis</a></li><li><a href="#contacts">Demandes de contact</a></li>
</ul></nav>"""

    period_form = f"""<form method="get" action="/admin" class="period" aria-labelledby="periode-titre">
<h2 id="periode-titre" class="period-title">{_t("Période")}</h2>
<div><label for="du">Du</label> <input type="date" id="du" name="du" value="{period.start.isoformat()}" required></div>
<div><label for="au">Au</label> <input type="date" id="au" name="au" value="{period.end.isoformat()}" required></div>
<button type="submit" class="button">{_t("Afficher")}</button>
</form>"""

    overview = _section(
        "synthese",
        title,
        f'<ul class="kpis">{kpis}</ul>',
    )
    activity = _section(
        "activite",
        "Conversations et messages par jour",
        _figure(
            _table(
                "table-activite",
                "Conversations et messages des visiteurs, par jour",
                ["Jour", "Conversations", "Messages des visiteurs"],
                ([_e(day_short(d.day)), _value(d.conversations), _value(d.messages)] for d in data.days),
                chart="bar",
            ),
            chart=True,
        )
        + _export("activite", "Exporter l'activité par jour (CSV)", period),
    )
    topics = _section(
        "sujets",
        "Sujets les plus demandés",
        f"<p>{_t('Le sujet de la réponse donnée, sinon ce que le message demandait.')}</p>"
        + _figure(
            _table(
                "table-sujets",
                f"Les {TOPICS_SHOWN} sujets les plus demandés (messages)",
                ["Sujet", "Messages"],
                ([_t(t.label), _value(t.messages)] for t in data.topics[:TOPICS_SHOWN]),
                chart="hbar",
            ),
            chart=True,
        )
        + _export("sujets", "Exporter tous les sujets (CSV)", period),
    )
    inbox = _section("questions", "Questions sans réponse", _inbox(data, csrf))
    interview = _section("entretien", "Entretien d'orientation", _interview(data))
    feedback = _section("avis", "Avis des visiteurs", _feedback(data))
    contacts = _section("contacts", "Demandes de contact", _handoffs(data.handoffs, csrf, period))
    main = f'<main id="contenu" tabindex="-1">\n{notice_html}\n{period_form}\n{overview}\n{activity}\n{topics}\n{inbox}\n{interview}\n{feedback}\n{contacts}\n</main>'
    return page("Tableau de bord", header + "\n" + main, charts=True)


def _inbox(data: Dashboard, csrf: str) -> str:
    period = data.period
    not_understood = counted(data.fallbacks, "message non compris", "messages non compris")
    out_of_scope = counted(data.out_of_scope, "hors sujet", "hors sujet")
    messages = counted(data.messages, "message de visiteur", "messages de visiteurs")
    intro = (
        f"<p>{_t(f'{not_understood} ({percent(data.fallback_rate)}) et {out_of_scope} ({percent(data.out_of_scope_rate)}) sur {messages}.')} "
        f"{_t('Les messages de même sens sont regroupés ; les adresses e-mail et numéros de téléphone sont masqués.')}</p>"
    )
    rows = []
    for index, group in enumerate(data.inbox[:INBOX_SHOWN], start=1):
        rows.append(
            [
                _group_text(group),
                _e(", ".join(group.kinds)),
                _value(group.messages),
                _value(group.conversations),
                _time(group.last_seen, period.zone),
                _status_form(group, index, csrf, period),
            ]
        )
    table = _table(
        "table-questions",
        "Messages qui ont reçu la demande de reformulation ou la réponse « hors sujet »",
        ["Message du visiteur", "Type", "Messages", "Conversations", "Dernière fois", "Statut"],
        rows,
        numeric=(2, 3),
    )
    more = (
        f"<p>{_t(f'Les {INBOX_SHOWN} premiers groupes sont affichés ; l’export les contient tous.')}</p>"
        if len(data.inbox) > INBOX_SHOWN
        else ""
    )
    return intro + table + more + _export("questions", "Exporter les questions sans réponse (CSV)", period)


def _group_text(group: InboxGroup) -> str:
    text = f'<span class="visitor-text">{_e(group.text)}</span>'
    if group.variants:
        shown = "".join(f'<li class="visitor-text">{_e(v)}</li>' for v in group.variants[:3])
        others = len(group.variants) - 3
        more = f"<li>{_t('et ' + counted(others, 'autre formulation', 'autres formulations'))}</li>" if others > 0 else ""
        text += f'<ul class="variants" aria-label="Autres formulations">{shown}{more}</ul>'
    return text


def _status_form(group: InboxGroup, index: int, csrf: str, period: Period) -> str:
    options = "".join(
        f'<option value="{value}"{" selected" if value == group.status else ""}>{_e(label)}</option>'
        for value, label in labels.INBOX_STATUSES.items()
    )
    return (
        f'<form method="post" action="/admin/questions" class="inline">{_hidden(csrf, period)}'
        f'<input type="hidden" name="cle" value="{_e(group.key)}">'
        f'<label for="statut-{index}" class="visually-hidden">Statut du message {index}</label>'
        f'<select id="statut-{index}" name="statut">{options}</select> '
        f'<button type="submit" class="button button-small">Enregistrer<span class="visually-hidden"> le statut du message {index}</span></button></form>'
    )


def _interview(data: Dashboard) -> str:
    funnel = data.funnel
    period = data.period

    def share(n: int) -> str:
        return percent(n / funnel.started) if funnel.started else "—"

    steps = [[_t(label), _value(n), share(n)] for label, n in funnel.rows()]
    funnel_table = _table(
        "table-entretien",
        "Entretiens commencés, questions répondues et issue (conversations)",
        ["Étape de l'entretien", "Conversations", "Part des entretiens commencés"],
        steps,
        chart="hbar",
    )
    pathways = _table(
        "table-parcours",
        "Parcours conseillés (dernier conseil de chaque conversation)",
        ["Parcours", "Conversations"],
        ([_e(name), _value(n)] for name, n in data.pathways),
        chart="hbar",
    )
    return (
        f"<p>{_t('Une conversation compte une fois par étape atteinte ; une réponse déjà donnée avant la question compte comme répondue.')}</p>"
        + _figure(funnel_table, chart=True)
        + _export("entretien", "Exporter les étapes de l'entretien (CSV)", period)
        + f'<h3 id="parcours-titre">{_t("Parcours conseillés")}</h3>'
        + _figure(pathways, chart=bool(data.pathways))
        + _export("parcours", "Exporter les parcours conseillés (CSV)", period)
    )


def _feedback(data: Dashboard) -> str:
    period = data.period
    up, down = data.ratings
    intro = f"<p>{_t(f'{number(up + down)} avis : {number(up)} « utile » et {number(down)} « pas utile ».')}</p>"
    per_topic = _table(
        "table-avis",
        "Avis par sujet",
        ["Sujet", "Utile", "Pas utile", "Part d'avis positifs"],
        ([_t(f.label), _value(f.up), _value(f.down), percent(f.rate)] for f in data.feedback),
        chart="stacked",
    )
    negative_rows = (
        [_time(n.timestamp, period.zone), _t(n.label), _t(n.reason), _visitor(n.comment), _visitor(n.question)]
        for n in data.negative[:INBOX_SHOWN]
    )
    negative = _table(
        "table-avis-negatifs",
        "Avis « pas utile », du plus récent au plus ancien",
        ["Date", "Sujet", "Raison", "Commentaire", "Message du visiteur"],
        negative_rows,
        numeric=(),
    )
    return (
        intro
        + _figure(per_topic, chart=bool(data.feedback))
        + _export("avis", "Exporter les avis par sujet (CSV)", period)
        + f"<h3>{_t('Avis « pas utile »')}</h3>"
        + negative
        + _export("avis-negatifs", "Exporter les avis « pas utile » (CSV)", period)
    )


def _visitor(text: str) -> str:
    return f'<span class="visitor-text">{_e(text)}</span>' if text else "—"


def _handoffs(handoffs: Sequence[HandoffRequest], csrf: str, period: Period) -> str:
    intro = f"<p>{_t('Les demandes à traiter sont toutes affichées, quelle que soit leur date ; les demandes traitées, celles de la période. Les coordonnées servent à rappeler le visiteur : ne les copiez pas ailleurs.')}</p>"
    rows = []
    for index, request in enumerate(handoffs, start=1):
        kind = "Téléphone" if request.contact_kind == "phone" else "E-mail"
        details = []
        if request.recap:
            details.append(
                f"<p><strong>{_t('Ses réponses :')}</strong></p><ul>"
                + "".join(f'<li class="visitor-text">{_e(r)}</li>' for r in request.recap)
                + "</ul>"
            )
        if request.recommendation:
            details.append(f"<p><strong>{_t('Parcours conseillé :')}</strong> {_e(request.recommendation)}</p>")
        if request.last_questions:
            details.append(
                f"<p><strong>{_t('Ses dernières questions :')}</strong></p><ul>"
                + "".join(f'<li class="visitor-text">{_e(q)}</li>' for q in request.last_questions)
                + "</ul>"
            )
        rows.append(
            [
                _time(request.timestamp, period.zone),
                f'{_e(kind)}{NBSP}: <span class="contact">{_e(request.contact)}</span>',
                "".join(details) or "—",
                _handoff_form(request, index, csrf, period),
            ]
        )
    table = _table(
        "table-contacts", "Demandes de contact", ["Reçue le", "Coordonnées", "Ce que le visiteur a transmis", "Statut"], rows, numeric=()
    )
    return intro + table + _export("contacts", "Exporter les demandes (CSV, coordonnées masquées)", period)


def _handoff_form(request: HandoffRequest, index: int, csrf: str, period: Period) -> str:
    handled = request.status == "traitee"
    target, action = ("nouvelle", "Remettre à traiter") if handled else ("traitee", "Marquer comme traitée")
    return (
        f'<p class="status status-{_e(request.status)}">{_e(labels.HANDOFF_STATUSES.get(request.status, request.status))}</p>'
        f'<form method="post" action="/admin/contacts" class="inline">{_hidden(csrf, period)}'
        f'<input type="hidden" name="demande" value="{_e(request.request_id)}">'
        f'<input type="hidden" name="statut" value="{target}">'
        f'<button type="submit" class="button button-small">{_t(action)}<span class="visually-hidden"> (demande {index})</span></button></form>'
    )
