"""The consent texts a guardian or member reads, by version and language.

They are kept here, not in the message catalog, so that a recorded consent points at
exactly the words that were shown. A change of wording is a new version.
"""

from __future__ import annotations

from yoc.members.enums import ConsentPurpose

VERSION = "2027-01"

TEXTS: dict[str, dict[ConsentPurpose, dict[str, str]]] = {
    "en": {
        ConsentPurpose.PARTICIPATION: (
            "I allow my child to take part in the Youth Organizing Council (YO-C): group "
            "discussions, leadership activities, mentoring, community events and public "
            "speaking. YO-C keeps only what the program needs: name, contact, school and grade, "
            "community, birth date and ZIP code. We never ask for immigration status or any "
            "government ID. I can withdraw this consent at any time."
        ),
        ConsentPurpose.PHOTO_RELEASE: (
            "YO-C may show my child's photo on its website and event pages, and use photos "
            "taken at YO-C events. I can withdraw this at any time; the photo is then hidden "
            "from public pages at once."
        ),
        ConsentPurpose.PUBLIC_NAME: (
            "When my child speaks at an event, YO-C may show their name in public in the form I "
            "choose below."
        ),
        ConsentPurpose.TEXT_MESSAGES: (
            "YO-C may send text messages about meetings and events to the phone numbers given."
        ),
    },
    "es": {
        ConsentPurpose.PARTICIPATION: (
            "Autorizo a mi hijo o hija a participar en el Consejo de Organización Juvenil "
            "(YO-C): conversaciones en grupo, actividades de liderazgo, mentoría, eventos "
            "comunitarios y discursos en público. YO-C guarda solo lo que el programa necesita: "
            "nombre, contacto, escuela y grado, comunidad, fecha de nacimiento y código postal. "
            "Nunca preguntamos por el estatus migratorio ni por ninguna identificación oficial. "
            "Puedo retirar esta autorización en cualquier momento."
        ),
        ConsentPurpose.PHOTO_RELEASE: (
            "YO-C puede mostrar la foto de mi hijo o hija en su sitio web y en las páginas de "
            "eventos, y usar fotos tomadas en eventos de YO-C. Puedo retirar esta autorización "
            "en cualquier momento; la foto deja de mostrarse en público de inmediato."
        ),
        ConsentPurpose.PUBLIC_NAME: (
            "Cuando mi hijo o hija hable en un evento, YO-C puede mostrar su nombre en público "
            "en la forma que elijo abajo."
        ),
        ConsentPurpose.TEXT_MESSAGES: (
            "YO-C puede enviar mensajes de texto sobre reuniones y eventos a los teléfonos "
            "indicados."
        ),
    },
}


def text(purpose: ConsentPurpose, language: str) -> str:
    return TEXTS.get(language, TEXTS["en"])[purpose]
