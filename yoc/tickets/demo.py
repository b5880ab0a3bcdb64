"""Demo festivals: The Hue 2027 and ECV Pride 2027, with orders in every state."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from yoc.events.forms import EventForm
from yoc.events.services import create_event
from yoc.settings import Settings
from yoc.tickets.enums import OrderNote, OrderStatus, PaymentMethod
from yoc.tickets.forms import TicketTypeForm
from yoc.tickets.services import placing, states
from yoc.tickets.services.pricing import Line, OrderRequest
from yoc.tickets.services.types import create_ticket_type

LA = ZoneInfo("America/Los_Angeles")

ACCESSIBILITY_EN = (
    "Shade tents and free water at every stage. ADA parking and drop-off at the north gate. "
    "Spanish–English interpretation at the main stage; ASL on request a week ahead. "
    "A quiet area next to the first-aid tent."
)
ACCESSIBILITY_ES = (
    "Carpas con sombra y agua gratis en cada escenario. Estacionamiento y descenso ADA en la "
    "entrada norte. Interpretación español–inglés en el escenario principal; lenguaje de señas "
    "(ASL) si lo pide con una semana de anticipación. Un área tranquila junto a primeros auxilios."
)
COST_EN = (
    "Each ticket costs us about $22: stages, sound, shade, water, security and artists' fees. "
    "Pay what you can. Those who pay more make room for those who can pay less."
)
COST_ES = (
    "Cada boleto nos cuesta unos $22: escenarios, sonido, sombra, agua, seguridad y pago a "
    "artistas. Pague lo que pueda. Quien paga más abre lugar para quien puede pagar menos."
)


def _event(slug, name_en, name_es, description_en, description_es, start, end, capacity):
    return EventForm(
        slug=slug,
        name_en=name_en,
        name_es=name_es,
        description_en=description_en,
        description_es=description_es,
        venue="Mecca Community Park",
        address="65250 Coahuilla St, Mecca, CA 92254",
        accessibility_en=ACCESSIBILITY_EN,
        accessibility_es=ACCESSIBILITY_ES,
        cost_note_en=COST_EN,
        cost_note_es=COST_ES,
        starts_at=start,
        ends_at=end,
        capacity=capacity,
        published=True,
        donation_price_cents=1500,
    )


async def seed(settings: Settings) -> None:
    hue = await create_event(
        _event(
            "the-hue-2027",
            "The Hue 2027",
            "The Hue 2027",
            "Our culture and music festival: local bands, muralists, dancers, food, and Soapbox "
            "Speeches by YO-C members.",
            "Nuestro festival de cultura y música: bandas locales, muralistas, danza, comida y "
            "Discursos Soapbox de integrantes de YO-C.",
            datetime(2027, 9, 18, 15, 0, tzinfo=LA),
            datetime(2027, 9, 18, 22, 0, tzinfo=LA),
            800,
        )
    )
    pride = await create_event(
        _event(
            "ecv-pride-2027",
            "Eastern Coachella Valley Pride 2027",
            "Festival del Orgullo (Pride) del Este del Valle de Coachella 2027",
            "The Eastern Coachella Valley's own Pride festival, started by YO-C: music, drag, "
            "resource booths and speeches from LGBTQ+ youth.",
            "El festival del Orgullo del Este del Valle, iniciado por YO-C: música, drag, mesas de "
            "recursos y discursos de jóvenes LGBTQ+.",
            datetime(2027, 10, 16, 14, 0, tzinfo=LA),
            datetime(2027, 10, 16, 21, 0, tzinfo=LA),
            600,
        )
    )
    types = {}
    for event, code in ((hue, "CAMPESINO27"), (pride, "PRIDEYOUTH27")):
        types[event.slug] = [
            await create_ticket_type(
                event,
                TicketTypeForm(
                    name_en="General admission",
                    name_es="Entrada general",
                    pricing="sliding",
                    min_cents=500,
                    suggested_cents=1500,
                    max_cents=4000,
                    max_per_order=8,
                    description_en="Pay what you can, from $5 to $40.",
                    description_es="Pague lo que pueda, de $5 a $40.",
                ),
            ),
            await create_ticket_type(
                event,
                TicketTypeForm(
                    name_en="Youth (17 and under)",
                    name_es="Jóvenes (17 años o menos)",
                    pricing="free",
                    quota=200,
                    max_per_order=6,
                ),
            ),
            await create_ticket_type(
                event,
                TicketTypeForm(
                    name_en="Partner group",
                    name_es="Grupo aliado",
                    pricing="free",
                    quota=100,
                    max_per_order=20,
                    access_code=code,
                    description_en="For schools, farmworker groups and LGBTQ+ youth groups.",
                    description_es="Para escuelas, grupos campesinos y grupos de jóvenes LGBTQ+.",
                ),
            ),
        ]
    general, youth, _partner = types[hue.slug]

    async def buy(name, email, lines, payment=None, donate=0, claim=0, language="es"):
        return await placing.place_order(
            hue,
            OrderRequest(
                buyer_name=name,
                buyer_email=email,
                language=language,
                lines=lines,
                payment=payment,
                donate=donate,
                claim=claim,
            ),
            settings=settings,
            payments=None,
        )

    await buy("Marisol Demo", "marisol@demo.yoc.example", [Line(youth.id, 3)])  # free: paid
    paid = await buy(
        "Rubén Demo",
        "ruben@demo.yoc.example",
        [Line(general.id, 2, 2500)],
        PaymentMethod.BOX_OFFICE,
        donate=2,
    )
    await states.mark_paid_at_door(paid, actor="demo", settings=settings)
    await buy(
        "Claudia Demo",
        "claudia@demo.yoc.example",
        [Line(general.id, 1, 500)],
        PaymentMethod.BOX_OFFICE,
    )  # waits for payment at the door
    await buy("Jesse Demo", "jesse@demo.yoc.example", [], claim=1, language="en")  # donated
    refunded = await buy(
        "Pat Demo",
        "pat@demo.yoc.example",
        [Line(general.id, 1)],
        PaymentMethod.BOX_OFFICE,
        language="en",
    )
    await states.mark_paid_at_door(refunded, actor="demo", settings=settings)
    await states.move(
        refunded, OrderStatus.REFUNDED, actor="demo", note="could not come", settings=settings
    )
    cancelled = await buy(
        "Lupe Demo", "lupe@demo.yoc.example", [Line(general.id, 2)], PaymentMethod.BOX_OFFICE
    )
    await states.move(cancelled, OrderStatus.CANCELLED, actor="demo", note="duplicate")
    expired = await buy(
        "Tony Demo",
        "tony@demo.yoc.example",
        [Line(general.id, 1)],
        PaymentMethod.BOX_OFFICE,
        language="en",
    )
    await states.move(expired, OrderStatus.EXPIRED, actor="system", code=OrderNote.HOLD_ENDED)
