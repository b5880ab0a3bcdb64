"""A starter curriculum, in English and Spanish, drawn from what YO-C does. The readings
of its "Read" activities are in starter_readings."""

from __future__ import annotations

from yoc.curriculum.enums import ActivityKind as K
from yoc.curriculum.enums import Completion as C
from yoc.curriculum.models import Module, Track
from yoc.curriculum.services import attachments, catalog
from yoc.curriculum.starter_readings import LCAP_SHEET, READINGS

# (title_en, title_es, summary_en, summary_es, milestone, prerequisite indexes, activities)
# activity: (kind, completion, title_en, title_es, prompt_en, prompt_es)
TRACKS = [
    (
        "Leadership Foundations",
        "Fundamentos de liderazgo",
        "Put your values into words, and your words into action.",
        "Convierte tus valores en palabras, y tus palabras en acción.",
        [
            (
                "My story and my values",
                "Mi historia y mis valores",
                "Where you come from, what you care about, and why it matters.",
                "De dónde vienes, qué te importa y por qué importa.",
                False,
                [],
                [
                    (
                        K.READ,
                        C.SELF,
                        "Why our stories matter",
                        "Por qué importan nuestras historias",
                        "Read the short text below about personal stories as a tool for change.",
                        "Lee el texto corto de abajo sobre las historias personales como herramienta de cambio.",
                    ),
                    (
                        K.REFLECT,
                        C.REFLECTION,
                        "A moment that shaped my values",
                        "Un momento que formó mis valores",
                        "Write about one moment in your life that taught you what is fair and what is not. Who was there? What did you feel?",
                        "Escribe sobre un momento de tu vida que te enseñó qué es justo y qué no. ¿Quién estaba? ¿Qué sentiste?",
                    ),
                    (
                        K.DISCUSS,
                        C.ATTENDANCE,
                        "Circle: one value I live by",
                        "Círculo: un valor con el que vivo",
                        "Share one value with your group in the circle.",
                        "Comparte un valor con tu grupo en el círculo.",
                    ),
                ],
            ),
            (
                "Race, class, gender and immigration in our community",
                "Raza, clase, género e inmigración en nuestra comunidad",
                "How who we are shapes what we live, at home, at school and in the valley.",
                "Cómo lo que somos marca lo que vivimos, en casa, en la escuela y en el valle.",
                False,
                [0],
                [
                    (
                        K.DISCUSS,
                        C.ATTENDANCE,
                        "Group discussion",
                        "Conversación en grupo",
                        "Talk together about how race, class, gender and immigration show up in the Eastern Coachella Valley.",
                        "Conversen sobre cómo la raza, la clase, el género y la inmigración se viven en el Este del Valle de Coachella.",
                    ),
                    (
                        K.REFLECT,
                        C.REFLECTION,
                        "What I noticed",
                        "Lo que noté",
                        "What did you hear today that you had not thought about before?",
                        "¿Qué escuchaste hoy en lo que no habías pensado antes?",
                    ),
                ],
            ),
            (
                "Community organizing 101",
                "Organización comunitaria 101",
                "Find the root cause, find who decides, and bring people together.",
                "Encuentra la causa de fondo, quién decide, y une a la gente.",
                False,
                [0],
                [
                    (
                        K.READ,
                        C.SELF,
                        "How North Shore won its bus route",
                        "Cómo North Shore ganó su ruta de autobús",
                        "Read below how residents organized for the first public bus route serving North Shore.",
                        "Lee abajo cómo la comunidad se organizó para lograr la primera ruta de autobús público en North Shore.",
                    ),
                    (
                        K.PRACTICE,
                        C.SELF,
                        "Map the power",
                        "Mapea el poder",
                        "Pick one local problem. List who is affected, who decides, and who could be an ally.",
                        "Elige un problema local. Haz una lista de quién se ve afectado, quién decide y quién podría ser aliado.",
                    ),
                    (
                        K.REFLECT,
                        C.REFLECTION,
                        "One problem, its root cause",
                        "Un problema y su causa de fondo",
                        "Describe one problem in your community and what you think its root cause is.",
                        "Describe un problema de tu comunidad y cuál crees que es su causa de fondo.",
                    ),
                ],
            ),
            (
                "Public speaking and the Soapbox Speech",
                "Oratoria y el Discurso Soapbox",
                "Tell your story out loud, in a short speech that moves people to act.",
                "Cuenta tu historia en voz alta, en un discurso corto que mueva a la gente a actuar.",
                True,
                [0],
                [
                    (
                        K.PRACTICE,
                        C.SELF,
                        "Practice with a partner",
                        "Practica con una pareja",
                        "Tell your story to a partner in two minutes. Then switch.",
                        "Cuéntale tu historia a tu pareja en dos minutos. Luego cambien.",
                    ),
                    (
                        K.SPEECH,
                        C.REFLECTION,
                        "My Soapbox Speech draft",
                        "El borrador de mi Discurso Soapbox",
                        "Write your speech: a personal story, what it shows about our community, and a call to action.",
                        "Escribe tu discurso: una historia personal, lo que muestra de nuestra comunidad y un llamado a la acción.",
                    ),
                    (
                        K.PRACTICE_NIGHT,
                        C.ATTENDANCE,
                        "Soapbox practice night",
                        "Noche de práctica Soapbox",
                        "Give your speech at a practice night with your group.",
                        "Da tu discurso en una noche de práctica con tu grupo.",
                    ),
                ],
            ),
        ],
    ),
    (
        "Policy and Advocacy",
        "Políticas públicas e incidencia",
        "From the school board to Sacramento: how decisions are made, and how to change them.",
        "De la junta escolar a Sacramento: cómo se toman las decisiones y cómo cambiarlas.",
        [
            (
                "How local government and school budgets work (LCAP)",
                "Cómo funcionan el gobierno local y el presupuesto escolar (LCAP)",
                "Follow the money meant for students who need it most.",
                "Sigue el dinero destinado a los estudiantes que más lo necesitan.",
                False,
                [],
                [
                    (
                        K.READ,
                        C.SELF,
                        "What is the LCAP?",
                        "¿Qué es el LCAP?",
                        "Read the short guide below to the Local Control and Accountability Plan, and download the questions to bring to the meeting.",
                        "Lee la guía corta de abajo sobre el Plan de Control Local y Rendición de Cuentas, y descarga las preguntas para llevar a la junta.",
                    ),
                    (
                        K.ATTEND,
                        C.ATTENDANCE,
                        "Attend a school board meeting",
                        "Asiste a una junta escolar",
                        "Go with your group to a public school board meeting.",
                        "Ve con tu grupo a una junta pública de la mesa directiva escolar.",
                    ),
                ],
            ),
            (
                "Advocacy from the school board to Sacramento",
                "Incidencia desde la junta escolar hasta Sacramento",
                "Prepare a public comment and meet with elected leaders.",
                "Prepara un comentario público y reúnete con líderes electos.",
                True,
                [0],
                [
                    (
                        K.PROJECT,
                        C.REFLECTION,
                        "My public comment",
                        "Mi comentario público",
                        "Write a two-minute public comment on a decision that affects students.",
                        "Escribe un comentario público de dos minutos sobre una decisión que afecta a los estudiantes.",
                    ),
                ],
            ),
            (
                "Restorative justice circles",
                "Círculos de justicia restaurativa",
                "Resolving conflict with open dialogue instead of suspensions.",
                "Resolver conflictos con diálogo abierto en lugar de suspensiones.",
                False,
                [],
                [
                    (
                        K.DISCUSS,
                        C.ATTENDANCE,
                        "Sit in a circle",
                        "Participa en un círculo",
                        "Take part in a restorative circle with your group.",
                        "Participa en un círculo restaurativo con tu grupo.",
                    ),
                    (
                        K.REFLECT,
                        C.REFLECTION,
                        "What would change at my school",
                        "Qué cambiaría en mi escuela",
                        "How would your school be different with restorative justice?",
                        "¿Cómo sería distinta tu escuela con justicia restaurativa?",
                    ),
                ],
            ),
            (
                "Environmental justice and the Salton Sea",
                "Justicia ambiental y el Mar de Salton",
                "Dust, asthma and the future of the sea: who pays, and who decides.",
                "Polvo, asma y el futuro del mar: quién paga y quién decide.",
                False,
                [],
                [
                    (
                        K.READ,
                        C.SELF,
                        "The shrinking sea",
                        "El mar que se seca",
                        "Read below about the Salton Sea and the air our communities breathe.",
                        "Lee abajo sobre el Mar de Salton y el aire que respiran nuestras comunidades.",
                    ),
                    (
                        K.REFLECT,
                        C.REFLECTION,
                        "Air in my neighborhood",
                        "El aire en mi barrio",
                        "What do you, your family or your neighbors notice about the air where you live?",
                        "¿Qué notan tú, tu familia o tus vecinos sobre el aire donde viven?",
                    ),
                ],
            ),
        ],
    ),
]


async def load() -> list[Track]:
    """Create the starter tracks; return them in order."""
    tracks = []
    for title_en, title_es, summary_en, summary_es, modules in TRACKS:
        track = await catalog.create_track(
            title_en=title_en, title_es=title_es, summary_en=summary_en, summary_es=summary_es
        )
        created: list[Module] = []
        for m_en, m_es, s_en, s_es, milestone, needs, activities in modules:
            module = await catalog.create_module(
                track_id=track.id,
                title_en=m_en,
                title_es=m_es,
                summary_en=s_en,
                summary_es=s_es,
                milestone=milestone,
                prerequisite_ids=[created[i].id for i in needs],
            )
            created.append(module)
            for kind, completion, a_en, a_es, p_en, p_es in activities:
                body_en, body_es = READINGS.get(a_en, ("", ""))
                activity = await catalog.create_activity(
                    module_id=module.id,
                    kind=kind,
                    completion=completion,
                    title_en=a_en,
                    title_es=a_es,
                    prompt_en=p_en,
                    prompt_es=p_es,
                    body_en=body_en,
                    body_es=body_es,
                )
                if a_en == "What is the LCAP?":
                    name, text = LCAP_SHEET
                    await attachments.attach(activity.id, filename=name, data=text.encode())
        tracks.append(track)
    return tracks
