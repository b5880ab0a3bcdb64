"""What an activity carries for members to read, watch and download, written by staff in
the curriculum editor: a reading in Markdown in both languages, a video link, a file.

The cast (conftest.group): Itzel (15, active) is given the module "Finding your voice";
Beto is a member who is not; Lucía mentors Itzel's group; Sam is staff.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import client_from, csrf_from, log_in, post_form
from tests.curriculum.conftest import spanish
from tests.curriculum.factories import give, make_activity, make_module, make_track
from tests.factories import PASSWORD
from tests.members.factories import make_member
from yoc.curriculum import starter
from yoc.curriculum.models import Activity, ActivityAttachment, Module
from yoc.curriculum.services import attachments
from yoc.richtext import to_html

PDF = b"%PDF-1.4\n% a one-page guide\n%%EOF\n"
ACTIVITY = {"title_en": "Read the guide", "title_es": "Lee la guía", "kind": "read"}
ACTIVITY |= {"completion": "self"}


@dataclass
class Course:
    module: Module
    activity: Activity


@pytest.fixture
async def course(group) -> Course:
    module = await make_module(await make_track("Speak Up", "Alza la voz"), "Finding your voice")
    activity = await make_activity(module, "Read the guide", "Lee la guía")
    await give(group.member, module)
    return Course(module, activity)


async def _edit(client, course: Course, **fields: str):
    return await post_form(
        client, f"/staff/curriculum/activities/{course.activity.id}", {**ACTIVITY, **fields}
    )


async def _upload(client, course: Course, name: str, data: bytes, content_type: str):
    page = await client.get(f"/staff/curriculum/activities/{course.activity.id}")
    return await client.post(
        f"/staff/curriculum/activities/{course.activity.id}/attachment",
        data={"csrf_token": csrf_from(page.text)},
        files={"attachment": (name, data, content_type)},
    )


# The reading and the video --------------------------------------------------------------


async def test_the_editor_offers_the_reading_the_video_and_the_file(client, group, course) -> None:
    await log_in(client, "sam@example.org", PASSWORD)

    page = await client.get(f"/staff/curriculum/activities/{course.activity.id}")

    assert page.status_code == 200
    for name in ("body_en", "body_es", "video_url"):
        assert f'name="{name}"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="attachment" type="file"' in page.text


async def test_a_reading_in_markdown_shows_with_its_links_and_without_scripts(
    app, client, group, course
) -> None:
    await log_in(client, "sam@example.org", PASSWORD)
    saved = await _edit(
        client,
        course,
        body_en="Read **the guide**, then [the state's page](https://www.cde.ca.gov/re/lc/)."
        "\n\n<script>alert('x')</script>",
        body_es="Lee **la guía**.",
        video_url="https://video.example.org/watch?v=42",
    )
    async with client_from(app, "10.0.0.2") as member:
        await log_in(member, "itzel@example.org", PASSWORD)
        page = await member.get(f"/learn/modules/{course.module.id}")

    assert saved.status_code == 303
    assert (
        '<div class="reading"><p>Read <strong>the guide</strong>, then '
        '<a href="https://www.cde.ca.gov/re/lc/" rel="noopener noreferrer nofollow">'
        "the state's page</a>.</p>"
    ) in page.text.replace("&#39;", "'")
    assert "<script>alert" not in page.text
    assert "alert(&#39;x&#39;)" not in page.text
    assert (
        '<a href="https://video.example.org/watch?v=42" rel="noopener noreferrer">'
        "Watch the video</a>"
    ) in page.text


async def test_the_reading_follows_the_members_language_or_falls_back(
    app, client, group, course
) -> None:
    await Activity.filter(id=course.activity.id).update(body_en="", body_es="Solo en *español*.")
    beto = await make_member(age=19, email="beto@example.org", language="es")
    await give(beto, course.module)
    await log_in(client, "itzel@example.org", PASSWORD)
    async with client_from(app, "10.0.0.2") as spanish_reader:
        await log_in(spanish_reader, "beto@example.org", PASSWORD)
        in_spanish = await spanish_reader.get(f"/learn/modules/{course.module.id}")
    in_english = await client.get(f"/learn/modules/{course.module.id}")
    await Activity.filter(id=course.activity.id).update(body_en="In *English*.")
    both = await client.get(f"/learn/modules/{course.module.id}")

    assert '<div class="reading" lang="es"><p>Solo en <em>español</em>.</p>' in in_english.text
    assert '<div class="reading"><p>Solo en <em>español</em>.</p>' in in_spanish.text
    assert '<div class="reading"><p>In <em>English</em>.</p>' in both.text


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/video.mp4",
        "https://youtube.com@evil.example/watch",
        "www.example.org/video",
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_video_link_that_is_no_web_address_is_refused_with_a_clear_message(
    client, group, course, link, language
) -> None:
    await group.staff.update_from_dict({"language": language}).save()
    await log_in(client, "sam@example.org", PASSWORD)
    message = "Enter the video's web address, starting with https:// (or http://)."

    response = await _edit(client, course, video_url=link, body_en="Typed text")

    assert response.status_code == 422
    expected = spanish(message) if language == "es" else message
    assert expected.replace("'", "&#39;") in response.text
    assert ">Typed text</textarea>" in response.text
    assert (await Activity.get(id=course.activity.id)).video_url == ""


# The attachment ------------------------------------------------------------------------


async def test_an_attached_file_downloads_for_the_member_and_is_404_for_others(
    app, client, group, course
) -> None:
    await make_member(age=19, email="beto@example.org")
    await log_in(client, "sam@example.org", PASSWORD)
    uploaded = await _upload(client, course, "LCAP guide.pdf", PDF, "application/pdf")
    link = f"/learn/activities/{course.activity.id}/attachment"
    async with (
        client_from(app, "10.0.0.2") as member,
        client_from(app, "10.0.0.3") as other,
        client_from(app, "10.0.0.4") as anonymous,
        client_from(app, "10.0.0.5") as mentor,
    ):
        await log_in(member, "itzel@example.org", PASSWORD)
        await log_in(other, "beto@example.org", PASSWORD)
        await log_in(mentor, "lucia@example.org", PASSWORD)
        page = await member.get(f"/learn/modules/{course.module.id}")
        downloaded = await member.get(link)
        by_mentor = await mentor.get(link)
        refused = {"anonymous": await anonymous.get(link), "other member": await other.get(link)}

    assert uploaded.status_code == 303
    assert f'<a href="{link}">Download LCAP guide.pdf</a>' in page.text
    assert "(PDF, 1 KB)" in page.text
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["content-disposition"] == (
        "attachment; filename=\"LCAP guide.pdf\"; filename*=UTF-8''LCAP%20guide.pdf"
    )
    assert downloaded.headers["cache-control"] == "private, no-store"
    assert by_mentor.status_code == 200
    for who, response in refused.items():
        assert response.status_code == 404, who
        assert PDF not in response.content
        assert "We could not find that page" in response.text


async def test_a_file_over_the_size_limit_is_refused(client, group, course) -> None:
    await log_in(client, "sam@example.org", PASSWORD)
    big = PDF + b"0" * attachments.ATTACHMENT_MAX_BYTES

    response = await _upload(client, course, "big.pdf", big, "application/pdf")

    assert response.status_code == 422
    assert "The file is too big. Choose one under 5 MB." in response.text
    assert await ActivityAttachment.all().count() == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("guide.pdf", b"<script>alert(1)</script>"),
        ("tool.exe", b"MZ\x90\x00"),
        ("notes.txt", b"\xff\xfe\x00bad"),
    ],
    ids=["html", "not a pdf", "program", "text that is not utf-8"],
)
async def test_a_file_of_another_kind_is_refused(client, group, course, name, data) -> None:
    await log_in(client, "sam@example.org", PASSWORD)

    response = await _upload(client, course, name, data, "application/octet-stream")

    assert response.status_code == 422
    assert "Choose a PDF, a picture (JPEG, PNG or WebP), a text file" in response.text
    assert await ActivityAttachment.all().count() == 0


async def test_a_new_file_replaces_the_old_and_removing_it_ends_the_download(
    client, group, course
) -> None:
    await log_in(client, "sam@example.org", PASSWORD)
    await _upload(client, course, "old.pdf", PDF, "application/pdf")
    await _upload(client, course, "C:\\Users\\sam\\notes.txt", b"Bring a pen.", "text/plain")
    replaced = await client.get(f"/learn/activities/{course.activity.id}/attachment")

    removed = await post_form(
        client,
        f"/staff/curriculum/activities/{course.activity.id}",
        {},
        action=f"/staff/curriculum/activities/{course.activity.id}/attachment/remove",
    )
    after = await client.get(f"/learn/activities/{course.activity.id}/attachment")

    assert await ActivityAttachment.all().count() == 0
    assert replaced.content == b"Bring a pen."
    assert replaced.headers["content-type"] == "text/plain; charset=utf-8"
    assert 'filename="notes.txt"' in replaced.headers["content-disposition"]
    assert removed.status_code == 303
    assert after.status_code == 404


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("notes\x07\u202e.txt", "notes.txt"),
        ('say "hi".pdf', "say hi.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("...", "file"),
    ],
)
def test_a_files_name_is_kept_without_folders_or_control_characters(sent, kept) -> None:
    assert attachments.clean_filename(sent) == kept


@pytest.mark.parametrize("who", ["member", "mentor"])
async def test_only_staff_attach_files(client, group, course, who) -> None:
    await log_in(client, f"{'itzel' if who == 'member' else 'lucia'}@example.org", PASSWORD)

    response = await client.post(
        f"/staff/curriculum/activities/{course.activity.id}/attachment",
        data={"csrf_token": csrf_from((await client.get("/")).text)},
        files={"attachment": ("guide.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 403
    assert await ActivityAttachment.all().count() == 0


async def test_every_read_activity_of_the_starter_curriculum_has_something_to_read(app) -> None:
    await starter.load()

    readings = await Activity.filter(kind="read").values_list("title_en", "body_en", "body_es")
    lcap = await Activity.get(title_en="What is the LCAP?")
    sheet = await ActivityAttachment.get(activity=lcap)

    assert len(readings) == 4
    for title, body_en, body_es in readings:
        assert len(body_en) > 500 and len(body_es) > 500, title
        assert "<h3>" in to_html(body_en) and "<h3>" in to_html(body_es), title
    assert '<a href="https://www.cde.ca.gov/re/lc/"' in to_html(lcap.body_es)
    assert (sheet.filename, sheet.content_type) == (
        "lcap-questions.txt",
        "text/plain; charset=utf-8",
    )
    assert "Preguntas para la junta escolar" in sheet.data.decode()
