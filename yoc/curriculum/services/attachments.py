"""The file staff attach to an activity (a handout, a worksheet), and who may download it:
whoever may see the activity (the members it is assigned to, mentors and staff)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from yoc.accounts.enums import Role
from yoc.accounts.models import User
from yoc.cache import changing
from yoc.curriculum.enums import STAMP
from yoc.curriculum.models import Activity, ActivityAttachment, Assignment
from yoc.errors import NotFound, ValidationFailed
from yoc.i18n import N_
from yoc.members.enums import MemberStatus
from yoc.members.models import MemberProfile
from yoc.members.services.access import is_staff

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
_ZIP = (b"PK\x03\x04",)
_OFFICE = "application/vnd.openxmlformats-officedocument"
_OPEN = "application/vnd.oasis.opendocument"
# What a file may be, by the ending of its name, and how such a file starts (a file that
# says it is a PDF and is not is refused, so nothing is served under a false type).
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".webp": ("image/webp", (b"RIFF",)),
    ".txt": ("text/plain; charset=utf-8", ()),
    ".docx": (f"{_OFFICE}.wordprocessingml.document", _ZIP),
    ".pptx": (f"{_OFFICE}.presentationml.presentation", _ZIP),
    ".xlsx": (f"{_OFFICE}.spreadsheetml.sheet", _ZIP),
    ".odt": (f"{_OPEN}.text", _ZIP),
    ".odp": (f"{_OPEN}.presentation", _ZIP),
    ".ods": (f"{_OPEN}.spreadsheet", _ZIP),
}
WRONG_KIND = N_(
    "Choose a PDF, a picture (JPEG, PNG or WebP), a text file, or a document, slides or a "
    "spreadsheet (Word, PowerPoint, Excel or OpenDocument)."
)
TOO_BIG = N_("The file is too big. Choose one under 5 MB.")
NO_FILE = N_("Choose a file to attach.")
NOT_FOUND = N_("There is no file to download here.")


@dataclass(frozen=True)
class AttachmentInfo:
    """What a page shows of an attachment, without its bytes."""

    activity_id: int
    filename: str
    content_type: str
    size: int

    @property
    def label(self) -> str:
        """The kind of file, as its name's ending says it: "PDF", "DOCX"."""
        return self.filename.rsplit(".", 1)[-1].upper()


def clean_filename(name: str) -> str:
    """The name a file is saved and offered under: no folders, no control characters,
    at most 120 characters with its ending kept."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable())
    base = re.sub(r'["<>:|?*]', "", base).strip(" .") or "file"
    stem, dot, ending = base.rpartition(".")
    if not dot:
        return base[:120]
    return f"{stem[: 119 - len(ending)]}.{ending}"


def kind_of(filename: str, data: bytes) -> str:
    """The content type of an allowed file, or ValidationFailed."""
    ending = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ending not in KINDS:
        raise ValidationFailed({"attachment": WRONG_KIND})
    content_type, starts = KINDS[ending]
    if starts and not data.startswith(starts):
        raise ValidationFailed({"attachment": WRONG_KIND})
    if ending == ".webp" and data[8:12] != b"WEBP":
        raise ValidationFailed({"attachment": WRONG_KIND})
    if ending == ".txt":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed({"attachment": WRONG_KIND}) from None
    return content_type


async def attach(activity_id: int, *, filename: str, data: bytes) -> ActivityAttachment:
    """Attach a file to an activity, in place of the one it had."""
    activity = await Activity.get_or_none(id=activity_id)
    if activity is None:
        raise NotFound(N_("We could not find that activity."), "not_found")
    if not data:
        raise ValidationFailed({"attachment": NO_FILE})
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationFailed({"attachment": TOO_BIG})
    name = clean_filename(filename)
    content_type = kind_of(name, data)
    async with changing(STAMP):
        await ActivityAttachment.filter(activity=activity).delete()
        return await ActivityAttachment.create(
            activity=activity, filename=name, content_type=content_type, size=len(data), data=data
        )


async def detach(activity_id: int) -> None:
    async with changing(STAMP):
        await ActivityAttachment.filter(activity_id=activity_id).delete()


async def infos(activity_ids: list[int]) -> dict[int, AttachmentInfo]:
    """The attachments of these activities, by activity, without their bytes."""
    rows = await ActivityAttachment.filter(activity_id__in=activity_ids).values_list(
        "activity_id", "filename", "content_type", "size"
    )
    return {row[0]: AttachmentInfo(*row) for row in rows}


async def may_see(viewer: User | None, activity: Activity) -> bool:
    """Mentors and staff see every activity; a member, the live activities of modules
    assigned to them while their membership is active."""
    if viewer is None:
        return False
    if is_staff(viewer) or viewer.role == Role.MENTOR:
        return True
    if activity.retired_at is not None:
        return False
    profile = await MemberProfile.get_or_none(user=viewer)
    if profile is None or profile.status != MemberStatus.ACTIVE:
        return False
    return await Assignment.filter(member=viewer, module_id=activity.module_id).exists()


async def download(viewer: User | None, activity_id: int) -> ActivityAttachment:
    """The attachment, for whoever may see its activity; "not found" for anyone else."""
    activity = await Activity.get_or_none(id=activity_id)
    attachment = await ActivityAttachment.get_or_none(activity_id=activity_id)
    if activity is None or attachment is None or not await may_see(viewer, activity):
        raise NotFound(NOT_FOUND, "not_found")
    return attachment
