"""Function words left out of the index (German and English, folded).

spaCy's stop lists also drop words that carry the question here ("lange", "jahren",
"kleine", "rechte", "mittel", "möglich"), so the list is our own: articles, pronouns,
prepositions, conjunctions, auxiliaries and particles only. What a question asks (how long,
must I) is read by ``question_type`` before these words go.
"""

from __future__ import annotations

_GERMAN = """
der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner
ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihn ihnen mein meine meinen
meinem meiner meines dein deine deinen deinem deiner unser unsere unseren unserem unserer
euer eure ihre ihren ihrem ihrer sein seine seinen seinem seiner man jemand
und oder aber denn sondern doch sowie bzw beziehungsweise als wie wenn ob dass weil da
damit falls obwohl sodass so also dann noch schon auch nur mal eben halt ja nein nicht
eigentlich einfach bitte danke hallo hi moin gerne gern irgendwie etwa etwas was wer wo
wann warum wieso weshalb welche welcher welches welchen welchem
in im ins an am ans auf aus bei beim mit nach von vom zu zum zur ueber um fuer gegen
ohne durch bis seit unter vor hinter neben zwischen waehrend wegen per pro ab
bin bist ist sind seid war waren gewesen sein habe hast hat haben habt hatte hatten
werde wirst wird werden werdet wurde wurden worden kann kannst koennen koennt konnte
muss musst muessen muesst musste darf darfst duerfen soll sollst sollen sollte
will willst wollen moechte moechten wuerde wuerden waere
dies diese dieser dieses diesen diesem jetzt hier dort dazu davon dafuer darauf daran
denn sehr viel mehr ganz gibt gibts geht tun mache machen frage fragen
"""
_ENGLISH = """
the a an and or but if then so as of to in on at by for with from about into over
i me my mine you your yours he him his she her it its we us our they them their
is are was were be been being am do does did doing have has had having will would
can could shall should may might must this that these those there here what which who
whom whose when where why how not no yes please thanks hello hi any some just also
get got there's i'm it's don't
"""
STOP_WORDS: frozenset[str] = frozenset((_GERMAN + _ENGLISH).split())
