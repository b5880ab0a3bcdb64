"""What the starter curriculum's "Read" activities give members to read, in English and
Spanish (Markdown), drawn from the work of Alianza and its Youth Organizing Council."""

from __future__ import annotations

STORIES_EN = """\
YO-C prepares young people to be the Eastern Coachella Valley's future leaders by helping
them **put their values into words, and their words into action**.

It starts with your own story. In group discussions, members look at how race, class,
gender and immigration status shape what each of us lives, and what our whole community
lives. A story about one afternoon at a clinic, a bus stop or a classroom can show a
problem that numbers alone do not.

That is why YO-C members give **Soapbox Speeches**: short public speeches on a personal
topic that bring greater understanding to the whole community. They have planned large
community events, spoken with elected leaders in Sacramento, and helped create The Hue, a
culture and music festival, and the first Eastern Coachella Valley LGBTQ Pride Festival.

### Think about it

- Which moment in your life taught you what is fair and what is not?
- Who else in your community has lived something like it?
- What would you want a stranger to understand after hearing your story?

When you are ready, you can [propose your own Soapbox Speech](/speeches).
"""

STORIES_ES = """\
YO-C prepara a las y los jóvenes para ser líderes del Este del Valle de Coachella,
ayudándoles a **convertir sus valores en palabras, y sus palabras en acción**.

Todo empieza con tu propia historia. En conversaciones de grupo, las y los integrantes ven
cómo la raza, la clase, el género y la situación migratoria marcan lo que vive cada quien,
y lo que vive toda la comunidad. Una historia sobre una tarde en la clínica, en la parada
del autobús o en el salón de clases puede mostrar un problema que los números solos no
muestran.

Por eso las y los integrantes de YO-C dan **Discursos Soapbox**: discursos públicos cortos
sobre un tema personal que ayudan a toda la comunidad a entender mejor. Han organizado
grandes eventos comunitarios, hablado con líderes electos en Sacramento y ayudado a crear
The Hue, un festival de cultura y música, y el primer Festival del Orgullo (Pride) LGBTQ
del Este del Valle de Coachella.

### Piénsalo

- ¿Qué momento de tu vida te enseñó qué es justo y qué no?
- ¿Quién más en tu comunidad ha vivido algo parecido?
- ¿Qué te gustaría que entendiera una persona desconocida al escuchar tu historia?

Cuando estés listo o lista, puedes [proponer tu propio Discurso Soapbox](/speeches).
"""

BUS_EN = """\
From a distance, the desert around the Eastern Coachella Valley is beautiful. Look closer
and you see hard-working families living with too little: **public transportation to jobs
and grocery stores is limited**, and parks where children can play safely are scarce. That
is not the case in the wealthier cities a short drive to the west.

In North Shore, getting to a job, a doctor or a store meant finding a ride. Residents and
Alianza did not stop at asking for favors: they looked for the **root cause** (no public
route served their community) and for **who decides**. Then they organized and lobbied,
and won **the first public bus route serving North Shore**, a vital link to shopping,
jobs, health care and parks.

The same way of working brought other wins:

- funding for a paving project that reduced dust in nearly **40 mobile home parks**;
- a change in the Coachella Valley Water District's elections, from an all at-large system
  to districts, which should better ensure Latino representation.

### Think about it

- What is one thing in your neighborhood that is harder than it should be?
- Who decides about it? Who could be your allies?
"""

BUS_ES = """\
De lejos, el desierto que rodea el Este del Valle de Coachella es hermoso. De cerca se ven
familias trabajadoras que viven con muy poco: **hay poco transporte público para llegar al
trabajo o a la tienda**, y faltan parques donde los niños puedan jugar seguros. No pasa lo
mismo en las ciudades con más recursos, a poca distancia hacia el oeste.

En North Shore, llegar al trabajo, al doctor o a la tienda significaba conseguir quién te
llevara. La comunidad y Alianza no se quedaron en pedir favores: buscaron la **causa de
fondo** (ninguna ruta pública llegaba a su comunidad) y **quién decide**. Luego se
organizaron y abogaron, y lograron **la primera ruta de autobús público en North Shore**,
un enlace vital con tiendas, empleos, servicios de salud y parques.

La misma forma de trabajar trajo otros logros:

- fondos para pavimentar calles y reducir el polvo en casi **40 parques de casas móviles**;
- un cambio en las elecciones del Distrito de Agua del Valle de Coachella, de un sistema
  general a uno por distritos, para asegurar mejor la representación latina.

### Piénsalo

- ¿Qué es algo en tu barrio que es más difícil de lo que debería?
- ¿Quién decide sobre eso? ¿Quiénes podrían ser tus aliados?
"""

LCAP_EN = """\
Students in the Eastern Coachella Valley face extraordinary challenges to graduate: four
out of five qualify for free or reduced-price lunch, and roughly half are English
learners.

The state gives school districts extra money to support these students. Coachella Valley
Unified received **more than $53 million** for this in the 2018-2019 school year alone.
The plan that says how it is spent is the **Local Control and Accountability Plan
(LCAP)**, and the district is required to involve parents and students in writing it.

That is where you come in. Alianza held forums so families could understand the budget,
and encouraged them to speak at public meetings. In 2018, for the first time in recent
years, the district presented a full accounting of its LCAP spending plan. YO-C members
played a major part in asking for that transparency.

### Before the school board meeting

- Find your district's LCAP: the [state's LCAP page](https://www.cde.ca.gov/re/lc/) says
  what every plan must contain.
- Pick one goal of the plan. Ask: how much money goes to it, and how will students know it
  worked?

The attached sheet has questions you can bring to the meeting.
"""

LCAP_ES = """\
Las y los estudiantes del Este del Valle de Coachella enfrentan retos enormes para
graduarse: cuatro de cada cinco califican para almuerzo gratis o a precio reducido, y
cerca de la mitad están aprendiendo inglés.

El estado les da a los distritos escolares dinero adicional para apoyar a estos
estudiantes. El Distrito Escolar Unificado del Valle de Coachella recibió **más de $53
millones** para eso solo en el año escolar 2018-2019. El plan que dice cómo se gasta es el
**Plan de Control Local y Rendición de Cuentas (LCAP)**, y el distrito tiene que incluir a
madres, padres y estudiantes al escribirlo.

Ahí entras tú. Alianza organizó foros para que las familias entendieran el presupuesto, y
las animó a hablar en las juntas públicas. En 2018, por primera vez en años, el distrito
presentó un informe completo de su plan de gastos del LCAP. Las y los integrantes de YO-C
tuvieron un papel importante al pedir esa transparencia.

### Antes de la junta escolar

- Busca el LCAP de tu distrito: la [página del estado sobre el LCAP](https://www.cde.ca.gov/re/lc/)
  explica lo que debe tener cada plan.
- Escoge una meta del plan. Pregunta: ¿cuánto dinero se le dedica, y cómo sabrán los
  estudiantes si funcionó?

La hoja adjunta tiene preguntas que puedes llevar a la junta.
"""

SEA_EN = """\
The future of the **Salton Sea** looms large over the Eastern Coachella Valley. As the lake
dries up, the farm runoff that built up in it is left exposed, and it can
become airborne in clouds of **toxic dust**. Communities near the sea already live with
higher rates of lung diseases such as **asthma**, especially among children.

Alianza supports environmental justice policies that let the people of the valley live
healthy lives at home, at work and at school. That means going to the root causes, and
giving residents a say in the decisions about the places where they live.

Its current campaign brings residents, policymakers and others together to counter the
hazards around the sea, air pollution above all, and to put environmental justice
policies into **Riverside County's General Plan**, so that the communities most at risk
can be healthy and vibrant places to live.

### Think about it

- Have you, your family or your neighbors noticed dust or bad air where you live? When?
- Who should have a say in what happens to the sea?
"""

SEA_ES = """\
El futuro del **Mar de Salton** pesa sobre el Este del Valle de Coachella. A medida que el
lago se seca, quedan expuestos los residuos agrícolas que se acumularon en él, y el
viento puede levantarlos en nubes de **polvo tóxico**. Las comunidades
cercanas al mar ya viven con más enfermedades pulmonares como el **asma**, sobre todo en
niñas y niños.

Alianza apoya políticas de justicia ambiental para que la gente del valle viva con salud
en casa, en el trabajo y en la escuela. Eso significa ir a las causas de fondo y darle a la
comunidad voz en las decisiones sobre los lugares donde vive.

Su campaña actual reúne a residentes, autoridades y otras personas para enfrentar los
peligros alrededor del mar, sobre todo la contaminación del aire, y para que el **Plan
General del Condado de Riverside** incluya políticas de justicia ambiental y las
comunidades más afectadas puedan ser lugares sanos y llenos de vida.

### Piénsalo

- ¿Tú, tu familia o tus vecinos han notado polvo o aire malo donde viven? ¿Cuándo?
- ¿Quiénes deberían opinar sobre lo que pasa con el mar?
"""

# By the activity's English title in starter.TRACKS: (English, Spanish).
READINGS: dict[str, tuple[str, str]] = {
    "Why our stories matter": (STORIES_EN, STORIES_ES),
    "How North Shore won its bus route": (BUS_EN, BUS_ES),
    "What is the LCAP?": (LCAP_EN, LCAP_ES),
    "The shrinking sea": (SEA_EN, SEA_ES),
}

# The sheet attached to "What is the LCAP?": (file name, its text).
LCAP_SHEET = (
    "lcap-questions.txt",
    """\
Questions for the school board / Preguntas para la junta escolar

1. How much LCAP money goes to students who are English learners, in foster care or
   low-income this year?
   ¿Cuánto dinero del LCAP se dedica este año a estudiantes que aprenden inglés, en
   cuidado de crianza o de bajos ingresos?

2. Which goal of the plan changed since last year, and why?
   ¿Qué meta del plan cambió desde el año pasado, y por qué?

3. How did students and parents take part in writing the plan?
   ¿Cómo participaron estudiantes, madres y padres al escribir el plan?

4. How will we know next year whether the money helped?
   ¿Cómo sabremos el próximo año si el dinero ayudó?
""",
)
