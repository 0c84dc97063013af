"""The "Open data" page: the official datasets this guide uses (licence, attribution, retrieval date)
and this guide's own structured data as downloads (procedures, counters, life-event rules)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, render_template
from werkzeug.wrappers import Response as BaseResponse

from ..open_data.queries import list_datasets
from ..procedures import export

bp = Blueprint("open_data_page", __name__)

# The licence under which this guide's own data is published.
OWN_DATA_LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
FORMATS = {"json": "application/json", "csv": "text/csv"}


@bp.route("/<locale:lang>/open-data")
def index(lang: str) -> str:
    """Every official dataset used, and the downloads of our own data."""
    return render_template("open_data/index.html", datasets=list_datasets(), downloads=list(export.DATASETS),
                           licence=OWN_DATA_LICENCE, formats=list(FORMATS))


@bp.route("/open-data/<name>.<fmt>")
def download(name: str, fmt: str) -> BaseResponse:
    """One of our datasets as JSON or CSV (UTF-8; the CSV with a BOM so spreadsheets read it right)."""
    if name not in export.DATASETS or fmt not in FORMATS:
        abort(404)
    body = export.as_json(name) if fmt == "json" else "\ufeff" + export.as_csv(name)
    response: Response = make_response(body)
    response.mimetype = FORMATS[fmt]
    response.headers["Content-Disposition"] = f'inline; filename="shinjuku-guide-{name}.{fmt}"'
    response.headers["Link"] = f'<{OWN_DATA_LICENCE["url"]}>; rel="license"'
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.add_etag()
    return response
