"""An import's life: uploaded and previewed (one per community, kind and file digest), looked at, committed
once (all or nothing), listed for the station.

Uploading the same file again for the same community and kind is the same import: previewed again
while it waits, answered as it stands once committed, so the same file never posts twice. Commit
checks every row again inside its one transaction and refuses (409, naming the rows) if any row has a
problem; a second commit answers the first one's result.

An import of more than IMPORT_BACKGROUND_ROWS rows commits in a worker: the request checks every row
(a problem is refused at once, as above), notes who asked and emits the job in one transaction, and
answers the import `committing`; the worker then commits it exactly as the request would have
(`run_commit`), or notes why it could not (rows that went wrong meanwhile, as problems; another refusal,
as `commit_error`) and gives it back to the station, previewed. 10,000 paper records take longer than a
request may (docs/station.md).
"""

import datetime as dt
import hashlib
import uuid

from peewee import IntegrityError

from server import clock, runtime
from server.db import database, is_postgres
from server.errors import Conflict, LoveBankError, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Community, ImportBatch, Member
from server.services.imports import checks, columns, posting, sheets
from server.services.messaging import outbox
from server.services.people import privacy

LISTING_ORDER = Keyset(ImportBatch.id, descending=True)
STATUS_LABELS = {"previewed": "待确认导入", "committing": "正在导入", "committed": "已导入"}
KIND = "import_commit"  # the outbox kind of a commit done by a worker
SHOWN_PROBLEMS = 5  # in a refusal's message; the body's details list them all


class ImportHasProblems(Conflict):
    """Commit is all or nothing: no row is posted while any row has a problem."""

    rule = "import_has_problems"


def _is_example(entry: dict, example: dict) -> bool:
    """The template's example row, left in by mistake: skipped, never imported."""
    return all(entry["cells"].get(header, "") == value for header, value in example.items())


def _require_station(actor: Member, community_id) -> None:
    if not Community.select().where(Community.id == community_id).exists():
        raise RuleBroken("没有这个社区", field="community_id", rule="unknown_community")
    privacy.require_coordinator(actor, community_id, "只有本社区服务站可以导入")


def upload(actor: Member, *, community_id: int, kind: str, filename: str, data: bytes) -> ImportBatch:
    """Read the sheet, check every row and keep the import with its preview (the same file: the same import)."""
    columns.columns(kind)
    _require_station(actor, community_id)
    sheet = sheets.read(data, max_rows=runtime.setting("IMPORT_MAX_ROWS"))
    ignored = columns.check_headers(kind, sheet.headers)
    example = columns.example_row(kind)
    rows = [entry for entry in sheet.rows if not _is_example(entry, example)]
    if not rows:
        raise RuleBroken("文件里只有模板的示例行：请删掉示例，从第二行起填写要导入的内容", field="file",
                         rule="empty_file")
    digest = hashlib.sha256(data).hexdigest()
    checked = checks.CHECKS[kind](community_id, rows)
    plan = {**checked.plan, "ignored_columns": ignored, "example_rows_skipped": len(sheet.rows) - len(rows)}
    preview = dict(problems=sorted(checked.problems, key=lambda p: p["row"]), plan=plan, previewed_at=clock.now())
    with database.atomic():
        batch = ImportBatch.get_or_none(ImportBatch.community == community_id, ImportBatch.kind == kind,
                                        ImportBatch.digest == digest)
        if batch is None:
            try:
                with database.atomic():
                    return ImportBatch.create(
                        community=community_id, kind=kind, digest=digest, filename=(filename or "")[:200], rows=rows,
                        row_count=len(rows), created_by=actor.id, created_at=clock.now(), **preview)
            except IntegrityError:  # the same file, uploaded at the same moment
                batch = ImportBatch.get(ImportBatch.community == community_id, ImportBatch.kind == kind,
                                        ImportBatch.digest == digest)
        if batch.status == "previewed":
            ImportBatch.update(**preview).where(ImportBatch.id == batch.id,
                                                ImportBatch.status == "previewed").execute()
    return ImportBatch.get_by_id(batch.id)


def import_for(viewer: Member, batch_id: int | ImportBatch) -> ImportBatch:
    """An import, for the coordinators of its community and admins (others: NotFound)."""
    batch_id = batch_id.id if isinstance(batch_id, ImportBatch) else batch_id
    batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
    if batch is None or not privacy.coordinates(viewer, batch.community_id):
        raise NotFound()
    return batch


def listing(viewer: Member, *, community_id: int | None = None, kind: str | None = None, status: str | None = None):
    """Imports, newest first: a coordinator's community's, or (an admin) every community's or the one named."""
    if not viewer.has_role("admin"):
        privacy.require_coordinator(viewer, viewer.community_id, "只有服务站可以查看导入")
        community_id = viewer.community_id
    query = ImportBatch.select(*[f for f in ImportBatch._meta.sorted_fields if f.name != "rows"])
    if community_id is not None:
        query = query.where(ImportBatch.community == community_id)
    if kind:
        query = query.where(ImportBatch.kind == kind)
    if status == "committing":
        query = query.where(ImportBatch.status == "previewed", ImportBatch.commit_requested_at.is_null(False))
    elif status == "previewed":
        query = query.where(ImportBatch.status == "previewed", ImportBatch.commit_requested_at.is_null())
    elif status:
        query = query.where(ImportBatch.status == status)
    return query.order_by(ImportBatch.id.desc())


def _locked(batch_id: int) -> ImportBatch:
    query = ImportBatch.select().where(ImportBatch.id == batch_id)
    return (query.for_update() if is_postgres() else query).get()


def _refusal(problems: list[dict]) -> ImportHasProblems:
    shown = "；".join(f"第{p['row']}行「{p['column']}」{p['reason']}" for p in problems[:SHOWN_PROBLEMS])
    more = f"等{len({p['row'] for p in problems})}行" if len(problems) > SHOWN_PROBLEMS else ""
    return ImportHasProblems(f"还有问题没改好，这次没有导入任何内容：{shown}{more}。请改好表格后重新上传",
                             problems=problems)


def commit(actor: Member, batch: ImportBatch) -> ImportBatch:
    """Post the whole import in one transaction, once: refused (409, naming the rows) while a row has a problem.
    A large one (more than IMPORT_BACKGROUND_ROWS rows) is checked now and posted by a worker: answered
    `committing`."""
    batch = import_for(actor, batch)
    privacy.require_coordinator(actor, batch.community_id, "只有本社区服务站可以导入")
    if batch.row_count > runtime.setting("IMPORT_BACKGROUND_ROWS"):
        return _commit_later(actor, batch.id)
    return _commit_now(actor, batch.id)


def _checked(batch: ImportBatch) -> checks.Checked:
    """Every row checked again as the community stands now; refused (409, naming the rows) on any problem."""
    checked = checks.CHECKS[batch.kind](batch.community_id, batch.rows)
    if checked.problems:
        raise _refusal(sorted(checked.problems, key=lambda p: p["row"]))
    return checked


def _commit_now(actor: Member, batch_id: int) -> ImportBatch:
    with database.atomic():
        batch = _locked(batch_id)
        if batch.status == "committed":
            return batch
        checked = _checked(batch)
        result = posting.POSTERS[batch.kind](actor, batch.community_id, checked.items)
        moved = ImportBatch.update(status="committed", result=result, committed_by=actor.id, committed_at=clock.now(),
                                   commit_requested_at=None, commit_error="").where(
            ImportBatch.id == batch.id, ImportBatch.status == "previewed").execute()
        if moved != 1:
            raise Conflict("这个导入正在被另一位工作人员确认", rule="import_state")
    return ImportBatch.get_by_id(batch_id)


def _commit_later(actor: Member, batch_id: int) -> ImportBatch:
    """Check every row now (a refusal answers at once), then note the request and emit the worker's job in one
    transaction. Asked again while the worker has it, or once committed: answered as it stands."""
    with database.atomic():
        batch = _locked(batch_id)
        if batch.status == "committed" or batch.commit_requested_at is not None:
            return batch
        _checked(batch)
        now = clock.now()
        ImportBatch.update(commit_requested_by=actor.id, commit_requested_at=now, commit_error="").where(
            ImportBatch.id == batch.id, ImportBatch.status == "previewed").execute()
        # A key of its own per request: a commit given back (see run_commit) may be asked for again.
        outbox.emit(KIND, f"{batch.id}:{uuid.uuid4().hex}",
                    {"import_id": batch.id, "actor_id": actor.id, "requested_at": now.isoformat()})
    return ImportBatch.get_by_id(batch_id)


def run_commit(import_id: int, actor_id: int) -> str:
    """The worker's part of a large import's commit: posted as `commit` would post it, once. Rows that went
    wrong since the request checked them (the community changed) come back as the import's problems, any other
    refusal as its `commit_error`; either way the import is previewed again, for the station to fix and ask
    again. What it did: "committed", "refused" or "skipped" (already committed, or not asked for)."""
    batch = ImportBatch.get_or_none(ImportBatch.id == import_id)
    if batch is None or batch.status == "committed" or batch.commit_requested_at is None:
        return "skipped"
    try:
        _commit_now(Member.get_by_id(actor_id), import_id)
    except LoveBankError as refusal:  # rows gone wrong (their problems with it), or a rule the checks do not cover
        fields = {"commit_requested_at": None, "commit_error": refusal.message}
        if "problems" in refusal.details:
            fields["problems"] = refusal.details["problems"]
        ImportBatch.update(**fields).where(ImportBatch.id == import_id, ImportBatch.status == "previewed").execute()
        return "refused"
    return "committed"


RETRYING = "导入时系统出了问题，正在自动重试，不用重新上传。如果很久还没有完成，请联系管理员"
GAVE_UP = "系统多次出错，这次没有导入任何内容。请稍后再点「确认导入」；如果还是不行，请联系管理员"


def commit_failed(payload: dict, gave_up: bool) -> None:
    """The worker's commit failed for a reason that is not a refusal (the database, say), and the outbox will
    try again: the station is told so. Once the outbox gives up, the import is given back, previewed, for the
    station to ask again: it is never left 正在导入 for good. Only the request this job was made for is touched
    (the station may have asked again since)."""
    request = ImportBatch.id == payload["import_id"]
    if "requested_at" in payload:  # jobs emitted before requests were stamped: the import's id alone
        request &= ImportBatch.commit_requested_at == dt.datetime.fromisoformat(payload["requested_at"])
    fields = {"commit_requested_at": None, "commit_error": GAVE_UP} if gave_up else {"commit_error": RETRYING}
    ImportBatch.update(**fields).where(request, ImportBatch.status == "previewed",
                                       ImportBatch.commit_requested_at.is_null(False)).execute()


def state_of(batch: ImportBatch) -> str:
    """previewed, committing (a worker has its commit) or committed."""
    if batch.status == "previewed" and batch.commit_requested_at is not None:
        return "committing"
    return batch.status


def import_view(batch: ImportBatch) -> dict:
    problem_rows = len({p["row"] for p in batch.problems}) if batch.status == "previewed" else 0
    state = state_of(batch)
    view = {
        "id": batch.id, "community_id": batch.community_id, "kind": batch.kind,
        "kind_label": columns.KIND_LABELS[batch.kind], "filename": batch.filename, "digest": batch.digest,
        "status": state, "status_label": STATUS_LABELS[state], "row_count": batch.row_count,
        "commit_requested_at": batch.commit_requested_at, "commit_error": batch.commit_error,
        "ok_rows": batch.row_count - problem_rows, "problem_rows": problem_rows,
        "problems": batch.problems if batch.status == "previewed" else [], "plan": batch.plan,
        "result": batch.result, "created_at": batch.created_at, "previewed_at": batch.previewed_at,
        "committed_at": batch.committed_at,
    }
    return view


def template(kind: str) -> tuple[bytes, str]:
    """The kind's XLSX template and its file name."""
    from server.services.imports import templates  # openpyxl only when a template is asked for

    columns.columns(kind)
    return templates.workbook(kind), f"导入模板-{columns.KIND_LABELS[kind]}.xlsx"
