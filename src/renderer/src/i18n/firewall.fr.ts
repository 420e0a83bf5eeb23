import type { MessageCatalog } from '../../../shared/messages/message'

/** The firewall job's messages in French (shared/firewall-texts.ts). */
export const firewallFr: MessageCatalog['firewall'] = {
  added:
    '{{host}} : {{ip}} ajoutée et confirmée par une nouvelle connexion SSH ; les IP failover qui répondaient répondent toujours ({{probed, list}}).',
  removed:
    '{{host}} : {{ip}} retirée et confirmée par une nouvelle connexion SSH ; les IP failover qui répondaient répondent toujours ({{probed, list}}).',
  alreadyListed: '{{host}} : IPS_FAILOVER contient déjà {{ip}} ; rien n’a changé.',
  alreadyAbsent: '{{host}} : IPS_FAILOVER ne contient pas {{ip}} ; rien n’a changé.',
  nothingProbed: 'aucune',
  restored:
    '{{host}} : le changement n’a pas été confirmé ({{reason, message}}) ; la restauration automatique a remis l’ancien /etc/etalab.conf et SSH répond de nouveau. Les autres hôtes n’ont pas été touchés.',
  failed: '{{host}} : {{reason, message}}. Les autres hôtes n’ont pas été touchés.',
  notTried: '{{host}} : pas tenté, car {{failed}} a échoué avant.',
  reasonNewSsh: 'une nouvelle connexion SSH à {{host}} a échoué après le redémarrage : {{why, message}}',
  newSshExit: 'l’outil a répondu avec le code de sortie {{exitCode}}',
  newSshUnchanged: 'la nouvelle connexion ne voit pas le changement',
  newSshClosed: 'la nouvelle connexion SSH à {{host}} s’est fermée avant la fin de la commande',
  reasonProbe: '{{ips, list}} répondaient avant le changement et ne répondent plus',
  reasonLate: 'il n’a pas pu être confirmé dans les {{seconds}} s',
  reasonHelper: 'l’outil a refusé (code de sortie {{exitCode}})',
  reasonHelperAnswer: 'l’outil a répondu quelque chose d’inattendu',
  restoreNotSeen: 'IPS_FAILOVER contient {{ips}}, pas la liste d’avant',
  restoreStillArmed: 'le changement est toujours armé',
  restoreProbe: '{{ips, list}} répondaient avant le changement et ne répondent toujours pas',
  reasonNotRestored:
    'le changement n’a pas été confirmé ({{why, message}}) et {{host}} n’a pas pu être joint {{seconds}} s plus tard pour vérifier la restauration automatique ({{cause, message}}) : regardez l’hôte depuis sa console',
}
