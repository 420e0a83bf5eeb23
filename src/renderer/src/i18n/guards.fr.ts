import type { GuardText } from '../../../shared/guard-texts'

/** The guards' sentences in French: every key of shared/guard-texts.ts, same placeholders. */
export const guardsFr: Record<GuardText, string> = {
  confirmNameMismatch: 'Le nom tapé ({{typed}}) n’est pas {{expected}} : rien n’a été modifié.',
  safetySnapshotConsent:
    '{{snapshot}} est l’instantané de sécurité pris par Hyperdesk avant {{reason}} de {{image}} le {{takenAt}} : il contient le disque tel qu’il était avant. Le supprimer demande le second consentement.',
  syncRunningHost:
    '{{name}} tourne sur {{host}} : sa définition n’y change qu’à son prochain arrêt complet puis démarrage. Confirmez en nommant {{host}}.',
  maintenanceNotRebooted:
    '{{host}} a perdu sa connexion puis est revenu, mais son boot id n’a pas changé : il n’a pas redémarré. On attend toujours le redémarrage ; noout reste posé.',
}
