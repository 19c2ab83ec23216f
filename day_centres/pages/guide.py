"""The printed guide (issue 11 §6): one page of A4 for the people who use a
centre's terminals, in each of the five languages, with pictograms: how to
start, how to leave, what a recovery sheet is, that staff cannot see documents,
and the centre's help phone and opening hours.

Staff print it from their centre's page: `/staff/<lang>/centres/<id>/guide`
lists the languages (the centre's first), and `…/guide/<guide lang>` is the
page to print, in that language, with a bar in the staff member's language
saying how to print (the staff pages run no script: the browser's own Print).
The operator reaches every centre's guide; a coordinator or a worker their own
centre's only (another centre is not found).

Its words, for people and for staff, are in locales/<lang>/LC_MESSAGES/guide.po.
It names the kiosk's buttons ("Create my wallet", "Leave now"…) as the kiosk's
catalogs do (tests/unit/day_centres/test_guide.py holds them to it)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from day_centres import centres
from day_centres.errors import StaffNotFound
from day_centres.models import Centre
from day_centres.pages import STAFF_LOCALES
from day_centres.pages.deps import CurrentStaff, LanguageDep, Staff, staff_pages_router
from day_centres.pages.view import StaffView
from page_kit.i18n import LANGUAGES, LANGUAGES_BY_CODE, load_translations
from wallet.api.deps import RuntimeDep

GUIDE_DOMAIN = "guide"
GUIDE_TRANSLATIONS = load_translations(STAFF_LOCALES, GUIDE_DOMAIN)

router = staff_pages_router()


def visible_centre(staff: Staff, centre_id: str) -> Centre:
    """A centre the asker may print for: any (the operator), else their own."""
    if staff.role != "operator" and staff.account.centre_id != centre_id:
        raise StaffNotFound()
    return centres.get_centre(staff.db, centre_id)


def guide_languages(centre: Centre) -> list[str]:
    """The five languages, the centre's own first, in its order."""
    own = [code for code in centre.language_codes if code in LANGUAGES_BY_CODE]
    return own + [language.code for language in LANGUAGES if language.code not in own]


@router.get("/centres/{centre_id}/guide", response_class=HTMLResponse)
def guide_languages_page(
    request: Request, lang: LanguageDep, centre_id: str, staff: CurrentStaff
) -> HTMLResponse:
    """The languages the centre's guide can be printed in, one link each."""
    centre = visible_centre(staff, centre_id)
    view: StaffView = request.app.state.staff_view
    context = {
        "staff": staff,
        "csrf": staff.csrf,
        "centre": centre,
        "guide_languages": [LANGUAGES_BY_CODE[code] for code in guide_languages(centre)],
        "g": GUIDE_TRANSLATIONS[lang].gettext,
    }
    return view.render(request, "guide-languages.html", context)


@router.get("/centres/{centre_id}/guide/{guide_lang}", response_class=HTMLResponse)
def printed_guide(
    request: Request,
    lang: LanguageDep,
    centre_id: str,
    guide_lang: str,
    staff: CurrentStaff,
    runtime: RuntimeDep,
) -> HTMLResponse:
    """The guide of one centre in one language, a page of A4 to print."""
    centre = visible_centre(staff, centre_id)
    guide_language = LANGUAGES_BY_CODE.get(guide_lang)
    if guide_language is None:
        raise StaffNotFound()
    settings = runtime.settings
    view: StaffView = request.app.state.staff_view
    context = {
        "staff": staff,
        "centre": centre,
        "guide_language": guide_language,
        "g": GUIDE_TRANSLATIONS[guide_lang].gettext,  # the guide's words, for people
        "bar": GUIDE_TRANSLATIONS[lang].gettext,  # the printing bar's, for staff
        "idle_minutes": centre.idle_minutes,  # the centre's terminals' policy
        "public_url": settings.public_url.rstrip("/"),
    }
    return view.render(request, "guide.html", context)
