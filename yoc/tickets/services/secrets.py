import secrets

# Exclude 0, O, 1, I and L: they look alike on cheap screens and bad printers.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def order_code() -> str:
    return "YOC-" + random_code(8)


def ticket_secret() -> str:
    # 26 symbols of a 31-letter alphabet: 128 bits of randomness.
    return random_code(26)
