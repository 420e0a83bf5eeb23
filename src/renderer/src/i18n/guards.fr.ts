import type { GuardText } from '../../../shared/guard-texts'

/** The guards' sentences in French: every key of shared/guard-texts.ts, same placeholders. */
export const guardsFr: Record<GuardText, string> = {
  leaseHeld:
    '{{object}} est en cours de modification par {{holder}} depuis {{since}} ({{operation}}). Son bail se termine à {{until}}, sauf s’il finit avant.',
  leaseHeldNoExpiry:
    '{{object}} est en cours de modification par {{holder}} ({{operation}}), sans heure de fin.',
  leaseLost:
    'Le bail sur {{object}} a été perdu avant « {{step}} » (repris par un autre, ou expiré) : rien de plus n’a été modifié.',
  leaseUnavailable:
    'Impossible de prendre le bail sur {{object}} via {{host}} : {{error}}. Rien n’a été modifié.',
  leaseNoHost: 'Aucun hôte n’est en ligne pour prendre le bail : rien n’a été modifié.',
  leaseTakeOverMismatch:
    'Le bail sur {{object}} est maintenant tenu par {{holder}}, pas par {{confirmed}} : regardez à nouveau avant de le reprendre.',
  leaseTakeOverGone: 'Le bail sur {{object}} a déjà été libéré : rien à reprendre.',
  confirmNameMismatch: 'Le nom tapé ({{typed}}) n’est pas {{expected}} : rien n’a été modifié.',
  safetySnapshotConsent:
    '{{snapshot}} est l’instantané de sécurité pris par Hyperdesk avant {{reason}} de {{image}} le {{takenAt}} : il contient le disque tel qu’il était avant. Le supprimer demande le second consentement.',
  syncRunningHost:
    '{{name}} tourne sur {{host}} : sa définition n’y change qu’à son prochain arrêt complet puis démarrage. Confirmez en nommant {{host}}.',
  maintenanceNotRebooted:
    '{{host}} a perdu sa connexion puis est revenu, mais son boot id n’a pas changé : il n’a pas redémarré. On attend toujours le redémarrage ; noout reste posé.',
}
