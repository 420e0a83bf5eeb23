import type { MessageCatalog } from '../../../shared/messages/message'

/** The errors of a migration in French: every key of shared/messages/errors-migration.ts. */
export const migrationErrorsFr: MessageCatalog['migrationErrors'] = {
  roleDestination: 'destination',
  roleSource: 'source',
  roleReference: 'référence',
  roleSyncSource: 'source de la définition',
  unknownHost: 'Aucun hôte nommé « {{host}} » dans le fichier du cluster ({{role, message}}).',
  unknownHostHint: 'Hôtes connus : {{hosts, list}}.',
  noHostHint: 'Le fichier du cluster ne nomme encore aucun hôte.',
  invalidAddress: 'L’adresse de migration « {{value}} » n’est ni un nom d’hôte ni une adresse IP.',
  invalidAddressHint: 'Corrigez le migrationAddress de l’hôte dans le fichier du cluster.',
  vmNotFound: 'Aucune VM d’UUID {{uuid}} sur les hôtes joignables.',
  vmNotFoundHint: 'Actualisez l’inventaire ; vérifiez que les hôtes sont en ligne.',
  sameHost: '{{name}} migrerait de {{host}} vers lui-même : choisissez une autre destination.',
  stillOnSource: '{{name}} tourne toujours sur {{from}}.',
  movedAfterAll: '{{name}} tourne finalement sur {{to}} : vérifiez-la là-bas.',
  whereUnknown:
    'Impossible de confirmer où tourne {{name}} maintenant : regardez les deux hôtes avant toute autre action.',
  cancelled: 'Migration de {{name}} vers {{to}} annulée (virsh domjobabort sur {{from}}). {{state, message}}',
  timedOut:
    'La migration de {{name}} de {{from}} vers {{to}} ne s’est pas terminée en {{seconds}} s et a été interrompue. {{state, message}}',
  timedOutHint:
    'L’invité écrit sa mémoire plus vite qu’elle ne peut être copiée : migrez avec plus de bande passante, un délai plus long, ou à un moment plus calme.',
  failed: 'La migration de {{name}} de {{from}} vers {{to}} a échoué sur {{from}}. {{state, message}}',
  libvirtLogShown:
    'Ce que l’hôte a dit se termine par les lignes de {{log}} sur {{host}} depuis le début de la migration.',
  libvirtLogManual:
    'La vraie raison donnée par libvirt est dans {{log}} sur {{host}} (lisible par root seulement) : lancez « tail -n 50 {{log}} » en root sur {{host}}, ou laissez Hyperdesk le lire — en root sur {{host}} :\n{{fix}}',
  unknownOutcome:
    'Connexion à {{from}} perdue pendant la migration de {{name}} : son issue n’a pas pu être lue.',
  unknownOutcomeHint:
    'Quand {{from}} sera joignable, regardez où tourne {{name}} (actualisez l’inventaire) avant toute autre action.',
  notCompleted:
    'La migration de {{name}} n’a pas abouti (la connexion à {{from}} a été coupée) : {{name}} tourne toujours sur {{from}}.',
  runsOnBoth:
    'Après la perte de connexion, {{name}} tourne à la fois sur {{from}} et sur {{to}} : vérifiez les deux hôtes maintenant.',
  runsOnNeither:
    'Après la perte de connexion, {{name}} ne tourne sur aucun des deux hôtes : vérifiez-les maintenant.',
}
