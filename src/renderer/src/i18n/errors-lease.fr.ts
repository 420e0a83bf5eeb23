import type { MessageCatalog } from '../../../shared/messages/message'

/** The cluster lease's errors in French: every key of shared/messages/errors-lease.ts. */
export const leaseErrorsFr: MessageCatalog['leaseErrors'] = {
  held: '{{object}} est en cours de modification par {{holder}} depuis le {{since, datetime}} ({{operation}}). Son bail se termine le {{until, datetime}}, sauf s’il finit avant.',
  heldNoExpiry: '{{object}} est en cours de modification par {{holder}} ({{operation}}), sans heure de fin.',
  lost: 'Le bail sur {{object}} a été perdu avant « {{step, message}} » (repris par un autre, ou expiré) : rien de plus n’a été modifié.',
  unavailable:
    'Impossible de prendre le bail sur {{object}} via {{host}} (code de sortie {{exitCode}}). Rien n’a été modifié.',
  callFailed: 'rados a échoué sur le bail de {{object}} via {{host}} (code de sortie {{exitCode}}).',
  releaseFailed: 'Impossible de libérer le bail sur {{object}} via aucun des hôtes : {{reasons, messages}}',
  releaseFailedOn: '{{host}} : {{error, message}}',
  releaseFailedHint:
    'Ceph le termine de lui-même le {{until, datetime}}. Plus tôt : dès qu’un hôte joint de nouveau Ceph, l’opération suivante sur cet objet est refusée comme tenue et propose de le reprendre.',
  noHost: 'Aucun hôte n’est en ligne pour prendre le bail : rien n’a été modifié.',
  noHostHint: 'Connectez au moins un hôte, puis réessayez.',
  takeOverMismatch:
    'Le bail sur {{object}} est maintenant tenu par {{holder}}, pas par {{confirmed}} : regardez à nouveau avant de le reprendre.',
  takeOverGone: 'Le bail sur {{object}} a déjà été libéré : rien à reprendre.',
  badPool: 'Le bail du cluster ne peut pas utiliser le pool {{pool}} : ce n’est pas un nom de pool valide.',
  badPoolHint: 'Le bail se trouve dans le premier pool du fichier du cluster (« pools ») : corrigez ce nom.',
  badName: 'Ce n’est pas un nom de bail : {{name}}.',
  sessionUnavailable:
    'La session Ceph du bail n’a pas pu s’ouvrir sur {{host}} ({{reason}}) : rados est utilisé à la place.',
  sessionEnded:
    'La session Ceph du bail sur {{host}} s’est terminée avant de répondre à « {{call}} » (connexion perdue ou son python3 arrêté).',
  sessionTimedOut:
    'La session Ceph du bail sur {{host}} n’a pas répondu à « {{call}} » en {{seconds}} s : elle a été arrêtée.',
  sessionEndedHint:
    'Rien de plus n’a été modifié. Un bail qu’elle aurait pris est libéré par un autre chemin, ou Ceph le termine à son expiration. Réessayez quand l’hôte est en ligne.',
  sessionRefused: 'Ceph a refusé « {{call}} » sur le bail de {{object}} via {{host}} (errno {{errno}}).',
  cleanupFailed:
    'Le nom de bail libéré {{name}} n’a pas pu être retiré de l’objet de bail de Ceph via {{host}} : {{error, message}}',
  cleanupFailedHint:
    'La libération elle-même est faite et rien d’autre n’a changé. Le nom n’occupe que de la place dans l’objet de bail (hyperdesk.lease) ; la prochaine liste des baux le retire dès que Ceph répond.',
}
