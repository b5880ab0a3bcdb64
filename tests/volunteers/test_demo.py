"""The demo has shifts at The Hue and at Pride, with people on them and gaps to fill."""

from __future__ import annotations

from yoc import demo
from yoc.volunteers.models import Shift, ShiftSignup


async def test_the_demo_has_shifts_at_both_festivals(app, settings) -> None:
    assert await demo.seed(settings)

    shifts = await Shift.all().select_related("event")
    by_event = {s.event.slug for s in shifts}
    assert by_event == {"the-hue-2027", "ecv-pride-2027"}
    assert await ShiftSignup.filter(user_id__isnull=False).count() == 6
    assert await ShiftSignup.filter(user_id__isnull=True).count() == 3
    assert sum(s.needed - s.taken for s in shifts) == 28 - 9
