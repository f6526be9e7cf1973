"""A text adventure driven by a scripted list of commands: rooms, items,
an inventory, a state machine for the player's condition, and a command
dispatcher built from a dictionary of bound methods."""

import random


class Item:
    def __init__(self, name, description, weight=1, usable=False):
        self.name = name
        self.description = description
        self.weight = weight
        self.usable = usable

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"Item({self.name!r})"


class Room:
    def __init__(self, key, title, description, dark=False):
        self.key = key
        self.title = title
        self.description = description
        self.dark = dark
        self.exits = {}
        self.items = {}
        self.locked = set()

    def connect(self, direction, other, back=None, locked=False):
        self.exits[direction] = other
        if locked:
            self.locked.add(direction)
        if back:
            other.exits[back] = self

    def add(self, *items):
        for item in items:
            self.items[item.name] = item

    def look(self, has_light):
        if self.dark and not has_light:
            return "It is pitch dark. You might be eaten by a grue."
        parts = [f"== {self.title} ==", self.description]
        if self.items:
            parts.append("You see: " + ", ".join(sorted(self.items)))
        exits = ", ".join(d + (" (locked)" if d in self.locked else "") for d in sorted(self.exits))
        parts.append(f"Exits: {exits or 'none'}")
        return "\n".join(parts)


class State:
    EXPLORING = "exploring"
    FIGHTING = "fighting"
    WON = "won"
    DEAD = "dead"

    TRANSITIONS = {
        EXPLORING: {FIGHTING, WON, DEAD},
        FIGHTING: {EXPLORING, DEAD},
        WON: set(),
        DEAD: set(),
    }


class GameOver(Exception):
    pass


class Game:
    MAX_WEIGHT = 6

    def __init__(self, seed=1):
        self.rng = random.Random(seed)
        self.state = State.EXPLORING
        self.inventory = {}
        self.health = 10
        self.moves = 0
        self.log = []
        self.troll_health = 3
        self.rooms = self.build_world()
        self.here = self.rooms["hall"]
        self.commands = {
            "look": self.do_look,
            "go": self.do_go,
            "take": self.do_take,
            "drop": self.do_drop,
            "inventory": self.do_inventory,
            "use": self.do_use,
            "attack": self.do_attack,
            "flee": self.do_flee,
        }
        self.aliases = {"l": "look", "i": "inventory", "get": "take", "n": "go north",
                        "s": "go south", "e": "go east", "w": "go west",
                        "up": "go up", "down": "go down"}

    def build_world(self):
        hall = Room("hall", "Great Hall", "A draughty hall with a stone floor.")
        cellar = Room("cellar", "Cellar", "Barrels line the damp walls.", dark=True)
        library = Room("library", "Library", "Dusty books everywhere.")
        bridge = Room("bridge", "Troll Bridge", "A rickety bridge over a chasm.")
        vault = Room("vault", "Treasure Vault", "Gold glitters in the torchlight.")
        hall.connect("down", cellar, back="up")
        hall.connect("east", library, back="west")
        library.connect("north", bridge, back="south")
        bridge.connect("east", vault, back="west", locked=True)
        hall.add(Item("lamp", "A brass lamp.", 2, usable=True))
        cellar.add(Item("key", "A small iron key.", 1, usable=True),
                   Item("barrel", "Far too heavy.", 50))
        library.add(Item("sword", "A notched sword.", 3), Item("book", "A book of riddles.", 2))
        vault.add(Item("treasure", "A chest of gold coins.", 1))
        return {r.key: r for r in (hall, cellar, library, bridge, vault)}

    def transition(self, new_state):
        if new_state not in State.TRANSITIONS[self.state]:
            raise RuntimeError(f"illegal transition {self.state} -> {new_state}")
        self.say(f"[{self.state} -> {new_state}]")
        self.state = new_state
        if new_state in (State.WON, State.DEAD):
            raise GameOver(new_state)

    def say(self, text):
        self.log.append(text)

    @property
    def has_light(self):
        lamp = self.inventory.get("lamp")
        return lamp is not None and getattr(lamp, "lit", False)

    @property
    def carried_weight(self):
        return sum(item.weight for item in self.inventory.values())

    def do_look(self, *args):
        self.say(self.here.look(self.has_light))

    def do_go(self, direction=None, *rest):
        if self.state == State.FIGHTING:
            self.say("The troll blocks your way!")
            return
        if direction not in self.here.exits:
            self.say(f"You can't go {direction or 'nowhere'}.")
            return
        if direction in self.here.locked:
            self.say("The door is locked.")
            return
        self.here = self.here.exits[direction]
        self.do_look()
        if self.here.key == "bridge" and self.troll_health > 0:
            self.say("A troll leaps out!")
            self.transition(State.FIGHTING)

    def do_take(self, name=None, *rest):
        if self.here.dark and not self.has_light:
            self.say("You fumble around in the dark.")
            return
        item = self.here.items.get(name)
        if item is None:
            self.say(f"There is no {name} here.")
        elif self.carried_weight + item.weight > self.MAX_WEIGHT:
            self.say(f"The {name} is too heavy to carry with everything else.")
        else:
            self.inventory[name] = self.here.items.pop(name)
            self.say(f"Taken: {name}.")
            if name == "treasure":
                self.say("You found the treasure!")
                self.transition(State.WON)

    def do_drop(self, name=None, *rest):
        try:
            item = self.inventory.pop(name)
        except KeyError:
            self.say(f"You don't have a {name}.")
        else:
            self.here.add(item)
            self.say(f"Dropped: {name}.")

    def do_inventory(self, *args):
        names = ", ".join(sorted(self.inventory)) or "nothing"
        self.say(f"You carry {names} (weight {self.carried_weight}/{self.MAX_WEIGHT}).")

    def do_use(self, name=None, *rest):
        item = self.inventory.get(name)
        if item is None or not item.usable:
            self.say(f"You can't use {name}.")
        elif name == "lamp":
            item.lit = not getattr(item, "lit", False)
            self.say("The lamp is now " + ("on." if item.lit else "off."))
        elif name == "key":
            if "east" in self.here.locked:
                self.here.locked.discard("east")
                self.say("The lock clicks open.")
            else:
                self.say("Nothing to unlock here.")

    def do_attack(self, *args):
        if self.state != State.FIGHTING:
            self.say("There is nothing to attack.")
            return
        damage = 2 if "sword" in self.inventory else 1
        if self.rng.random() < 0.8:
            self.troll_health -= damage
            self.say(f"You hit the troll for {damage}.")
        else:
            self.say("You miss.")
        if self.troll_health <= 0:
            self.say("The troll flees into the chasm.")
            self.transition(State.EXPLORING)
            return
        self.health -= self.rng.randint(1, 3)
        self.say(f"The troll hits you. Health: {self.health}.")
        if self.health <= 0:
            self.transition(State.DEAD)

    def do_flee(self, *args):
        if self.state == State.FIGHTING:
            self.state = State.EXPLORING
            self.here = self.here.exits["south"]
            self.say("You run back south.")
        else:
            self.say("Flee from what?")

    def execute(self, line):
        line = line.strip().lower()
        line = self.aliases.get(line, line)
        verb, *args = line.split() or [""]
        handler = self.commands.get(verb)
        self.moves += 1
        if handler is None:
            self.say(f"I don't know how to {verb!r}.")
            return
        handler(*args)

    def play(self, script):
        self.do_look()
        try:
            for line in script:
                self.say(f"> {line}")
                self.execute(line)
        except GameOver as over:
            self.say(f"*** Game over: you {over.args[0]} after {self.moves} moves ***")
        return self.log


SCRIPT = [
    "take lamp", "down", "look", "take key", "use lamp", "l", "take key", "take barrel",
    "up", "e", "take sword", "take book", "i", "drop lamp", "take book", "drop book",
    "dance", "flee", "n", "go east", "flee", "n", "attack", "attack", "attack",
    "attack", "go east", "use key", "go east", "take treasure", "look",
]


def main():
    game = Game(seed=42)
    for line in game.play(SCRIPT):
        print(line)
    print("final state:", game.state, "health:", game.health)


if __name__ == "__main__":
    main()
