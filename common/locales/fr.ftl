# Les messages des programmes en français, dans les mots du cours (fil d'exécution, processus,
# verrou, tâche). Chaque message a son jumeau anglais dans en.ftl (un test le vérifie). Les
# nombres arrivent déjà écrits à la française (common::lang::num : 1,02).

## Le rapport : en-tête, tableau, ce qu'ont fait la machine et le GIL

header = { $program } ({ $sizes }) — build { $profile }, { $gil }, { $cores } cœurs{ $busy }
header-busy = { " " }(dont { $n } occupé(s) par un autre programme, --busy-cores)
header-gil = GIL simulé de CPython { $version }, { $interval }, { $pace }
header-free-threaded = modèle de CPython 3.13t sans GIL (free-threaded), { $pace }
header-no-gil = pas de GIL : { $natively }
natively-rust = fils d'exécution natifs de Rust
natively-tokio = un seul fil d'exécution, le runtime current-thread de tokio
interval-switch = intervalle de bascule { $ms } ms
interval-check = intervalle de vérification { $ticks } ticks
pace-cpython = au rythme de CPython
pace-native = au rythme de Rust (--pace native)
column-mode = mode
column-seconds = secondes
column-speedup = accélération / { $baseline }
column-cpu = cpu_s
column-cores = cœurs_utilisés
column-result = résultat
column-expected = attendu
column-got = obtenu
column-lost = perdu
column-waits = attentes
column-count = compte
column-errors = erreurs
column-sessions = sessions
column-completed = terminées
column-answered = répondues
column-lines = lignes
column-employees = employés
column-projects = projets
busy-first = { $cores } des { $total } cœurs pendant { $mode }
busy-next = { $cores } pendant { $mode }
busy-load = { " " }(charge moyenne { $load })
busy-line = Pendant ce temps, le reste de la machine a occupé { $during }{ $load }.
gil-line = GIL : { $switches } bascules, { $requests } demandes de lâcher ; attente pour le prendre p50 { $p50 } ms, p99 { $p99 } ms, max { $max } ms

## La ligne de progression (gabarit d'indicatif : {"{"}spinner{"}"} et les autres sont les siens)

progress-template = {"{"}spinner{"}"} {"{"}prefix{"}"} : {"{"}msg{"}"}, depuis {"{"}elapsed{"}"}
progress-step = { $what } (étape { $step } sur { $steps })
progress-beside = { $program } à côté, sous CPython

## Ce que les cœurs utilisés permettent à la conclusion de dire (common::evidence)

crowded = le reste de la machine occupait { $other } des { $cores } cœurs, et { $who } en ont eu { $used } : cette exécution ne peut pas montrer plus (relancez-la sur une machine au repos)
said-at-once = { $who } ont tourné sur les { $cores } cœurs à la fois ({ $used } cœurs occupés)
said-turns = { $who } ont tourné chacun leur tour ({ $used } cœurs occupés)
said-partly = { $who } n'ont occupé que { $used } cœurs
said-alone = { $who } n'avaient rien à exécuter en même temps
said-unknown = { $who } : temps CPU non mesuré
colon-clause = { " " }: { $clause }.
who-threads = les fils d'exécution
who-processes = les processus
who-interpreters = les interpréteurs
who-rayon = les fils d'exécution de rayon

## cpu_example

threads-faster = Les fils d'exécution ont été { $speedup } fois plus rapides que le séquentiel
threads-slower = Les fils d'exécution ont été { $slower } fois plus lents que le séquentiel
threads-same = Les fils d'exécution ont pris à peu près le même temps que le séquentiel ({ $speedup }×)
cpu-they-kept = { " " }(ils ont occupé { $used } cœurs)
cpu-one-worker = { " " }: un seul travailleur, rien à exécuter en parallèle.
cpu-one-core = { " " }: { $cores } cœur, rien à exécuter en parallèle.
cpu-rust = { " " }: Rust n'a pas de GIL, donc les { $workers } fils d'exécution ont tourné sur les { $cores } cœurs à la fois{ $used }.
cpu-free-threaded = { " " }: CPython 3.13t free-threaded n'a pas de GIL, donc les { $workers } fils d'exécution ont tourné sur les { $cores } cœurs à la fois{ $used }, comme ceux de Rust.
cpu-no-gil-partly = { " " }: sans GIL les fils d'exécution pouvaient tourner en même temps, mais ils n'ont occupé que { $used } cœurs, le reste de la machine étant assez au repos.
some = quelques
cpu-old-gil = { " " }: sous l'ancien GIL de CPython 2, celui qui le tient le relâche toutes les 100 instructions (ticks) et le reprend aussitôt, pendant que les autres threads se réveillent pour rien sur les autres cœurs{ $used }.
cpu-old-gil-used = { " " }(les fils d'exécution ont occupé { $used } cœurs pour le travail d'un seul)
cpu-gil-noise = { " " }: sous le GIL un seul fil d'exécution à la fois exécute du code Python{ $used }, donc ce gain n'est pas dû aux threads (une exécution de quelques intervalles de bascule montre du bruit : essayez un --n plus grand).
cpu-gil = { " " }: sous le GIL un seul fil d'exécution à la fois exécute du code Python{ $used }, donc pour un travail de calcul (CPU) les threads ne vont pas plus vite (comme python3 cpu_example.py).
cpu-gil-used = { " " }: les { $workers } fils d'exécution ont occupé { $used } cœurs à eux tous

## share

share-lost-native = { $lost } mises à jour sur { $expected } ont été perdues ({ $share } %) : les fils d'exécution tournaient en même temps, et une écriture faite entre la lecture et l'écriture d'un autre thread a été écrasée.
share-luck-native = Aucune mise à jour perdue cette fois, mais par chance seulement : la lecture et l'écriture restent deux étapes (plus de threads ou d'incréments le montreront).
share-lost-free-threaded = { $lost } mises à jour sur { $expected } ont été perdues ({ $share } %) : CPython 3.13t free-threaded n'a pas de GIL, donc les fils d'exécution tournaient en même temps, comme ceux de Rust, et la course que 3.10 à 3.12 cachaient est revenue. Le verrou de share2 est la solution.
share-hidden = Aucune mise à jour perdue : depuis CPython 3.10 un fil d'exécution ne lâche le GIL qu'à un saut arrière ou à un appel, jamais entre la lecture et l'écriture de counter += 1. La course est cachée, pas corrigée (voir share2, et --python 3.9).
share-lost-gil = { $lost } mises à jour sur { $expected } ont été perdues ({ $share } %) : CPython { $version } peut passer le GIL entre la lecture et l'écriture de counter += 1 ; les incréments faits entre-temps par les autres threads sont écrasés.
share-luck-gil = Aucune mise à jour perdue cette fois sous CPython { $version } : l'exécution a été trop courte pour que le GIL change de main entre une lecture et son écriture (essayez plus d'--increments).

## share2

share2-exact = Aucune mise à jour perdue, dans aucun mode : le verrou fait de la lecture et de l'écriture une seule étape{ $free }. Un atomique est { $atomic } fois et des comptes par fil d'exécution { $sharded } fois plus rapides que le verrou ici{ $busy }.
share2-free-threaded = { " " }(sur CPython 3.13t free-threaded, sans aucun GIL, le verrou est la seule chose qui garde le compte exact)
share2-busy = , sur une machine occupée (la ligne au-dessus), ce qui ralentit le verrou plus que tout

## base et as

base-waits = Cette exécution a pris : { $waits }. L'une après l'autre, les attentes s'additionnent ; dans des fils d'exécution elles se chevauchent, et l'exécution prend environ une attente{ $why }.
base-under-gil = , même sous le GIL : un thread qui attend l'a relâché
base-free-threaded = , comme sur tout CPython : 3.13t free-threaded n'a pas de GIL, et les threads qui attendent n'en avaient jamais besoin
as-waits = Cette exécution a pris : { $waits }. Les attentes « await » se chevauchent sur un seul thread (sequential prend une attente par tâche, gather environ une en tout) ; une tâche qui bloque dans du code async bloque toutes les tâches, sauf si l'appel bloquant tourne sur un autre thread (spawn_blocking).{ $why }
as-free-threaded = { " " }CPython 3.13t free-threaded n'y change rien : asyncio exécute ses tâches sur un seul thread, GIL ou pas.
unit-waits = attentes
quote = { $mode } { $value } { $unit }

## mp

mp-no-sequential = Chaque mode a donné le total exact (ajoutez sequential à --modes pour comparer les temps).
mp-kept = { " " }(ils ont occupé { $used } cœurs)
mp-own-gil = { " " }et son propre GIL
mp-processes-crowded = { $workers } processus ont été { $x } fois plus rapides que le séquentiel : { $clause }.
mp-processes-at-once = { $workers } processus ont été { $x } fois plus rapides que le séquentiel : chacun a sa propre mémoire{ $own_gil }, donc ils ont tourné sur les { $cores } cœurs à la fois{ $used }, en payant leur démarrage.
mp-processes-slower = { $workers } processus ont été plus lents que le séquentiel ({ $x }×){ $used } : avec ce --n, les démarrer a coûté plus que le travail qu'ils se sont partagé.
mp-processes-alone = Les processus ont été { $x } fois plus rapides que le séquentiel : avec { $workers } travailleur(s) sur { $cores } cœur(s), rien ne pouvait tourner en même temps.
mp-processes-partly = { $workers } processus ont été { $x } fois plus rapides que le séquentiel, et n'ont occupé que { $used } cœurs : chacun a sa propre mémoire{ $own_gil }, mais ils n'ont pas tous tourné en même temps.
mp-keeping = , en occupant { $used } cœurs
mp-interpreters-crowded = { $workers } interpréteurs ont été { $x } fois plus rapides : { $clause }.
mp-interpreters-gil = { $workers } interpréteurs, un GIL chacun, ont été { $x } fois plus rapides{ $used }, dans un seul processus et sans processus à démarrer.
mp-interpreters = { $workers } interpréteurs ont été { $x } fois plus rapides{ $used } : sans GIL, ce sont de simples fils d'exécution.
mp-rayon-paced = Le { $x }× de rayon ne se compare pas aux autres : sa boucle tourne à la vitesse de Rust même dans ce build (pas de GIL, pas de rythme de CPython), les autres à celle de CPython ; il compare Rust au CPython imité, pas des fils d'exécution à des processus.
mp-rayon-crowded = rayon a été { $x } fois plus rapide : { $clause }.
mp-rayon = rayon ({ $x }×) n'a pas besoin de processus : les fils d'exécution de Rust n'ont pas de GIL à fuir.
mp-only-sequential = Seul le mode séquentiel a tourné : rien à quoi le comparer.

## Les échecs, dits en une ligne

error-prefix = { "erreur : " }
failure-worker = le travailleur { $index } (pid { $pid }) { $what } ; les autres ont été arrêtés
failure-interrupted = interrompu ; chaque travailleur a été arrêté
failure-worker-start = impossible de démarrer un processus de travail : { $why }
failure-thread-start = impossible de démarrer un fil d'exécution : { $why }
interrupted = interrompu

## Les lignes propres aux jumeaux .py (common/messages.py lit aussi ces fichiers)

py-cpu-words = { $cpu } s CPU, { $cores } cœurs utilisés
py-base = Dormir relâche le GIL : les fils d'exécution attendent en même temps.
py-cpu-gil = Sous le GIL, un seul fil d'exécution à la fois exécute du code Python : { $threads }.
py-cpu-free-threaded = Ce CPython est free-threaded (sans GIL) : { $threads }.
py-speedup-vs = (accélération / { $mode })
py-mp = Chaque processus, et chaque interpréteur, a son propre GIL : { $parallel }.
py-share-lost = { $lost } mises à jour sur { $expected } ont été perdues ({ $share } %) : { $why }, et une écriture faite entre-temps par un autre thread a été écrasée.
py-share-why-free-threaded = CPython free-threaded n'a pas de GIL : les fils d'exécution tournaient en même temps
py-share-why-gil = ce CPython peut passer le GIL entre la lecture et l'écriture
py-share-luck-free-threaded = Aucune mise à jour perdue cette fois, mais par chance seulement : sans GIL la lecture et l'écriture restent deux étapes (plus de threads ou d'incréments le montreront).
py-share-hidden = Aucune mise à jour perdue : depuis CPython 3.10 un fil d'exécution ne lâche le GIL qu'à un saut arrière ou à un appel, jamais entre la lecture et l'écriture de counter += 1. La course est cachée, pas corrigée (voir share2.py, et Python 3.9).
py-share-short = Aucune mise à jour perdue cette fois : l'exécution a été trop courte pour que le GIL change de main entre une lecture et son écriture (essayez plus d'--increments).
py-counts = attendu { $expected }, obtenu { $got }, perdu { $lost } ({ $seconds } s, { $cpu })
py-as = Les attentes « await » se chevauchent ; un appel bloquant dans une coroutine bloque toutes les tâches.
