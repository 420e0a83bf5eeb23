import type { MessageCatalog } from '../../../shared/messages/message'

/** The errors of commands run on a host, in French: every key of shared/messages/errors-remote.ts. */
export const remoteErrorsFr: MessageCatalog['remoteErrors'] = {
  notSent: 'Une commande pour {{host}} n’a pas été envoyée : {{problem, message}}',
  notSentHint:
    'Rien n’a été envoyé à l’hôte. Une valeur passée à une commande ne doit ni commencer par « - » ni contenir de caractère de contrôle : vérifiez le nom ou le réglage utilisé.',
  endedEarly: '« {{step, message}} » s’est arrêté trop tôt sur {{host}}.',
  cancelled: '« {{step, message}} » a été annulé sur {{host}}.',
  timedOut:
    '« {{step, message}} » n’a pas fini sur {{host}} en {{seconds}} s et y a été arrêté ; ce qu’il a affiché est ci-dessous.',
  timedOutSilent:
    '« {{step, message}} » n’a pas fini sur {{host}} en {{seconds}} s et y a été arrêté ; il n’a rien affiché.',
  cephUnreachable: '« {{step, message}} » sur {{host}} n’a pas pu joindre les moniteurs Ceph.',
  cephTimeoutHint:
    'Ceph n’a pas répondu : vérifiez les moniteurs et les OSD (ceph -s sur un hôte qui a le trousseau admin). La commande a été arrêtée sur l’hôte.',
  timeoutHint:
    'La commande a été arrêtée sur l’hôte. Vérifiez l’hôte (charge, libvirtd, stockage) et réessayez.',
  connectionLost: '« {{step, message}} » sur {{host}} a perdu sa connexion avant de finir.',
  connectionLostHint:
    'La connexion est tombée : Hyperdesk se reconnecte tout seul. Vérifiez le résultat avant de réessayer.',
  failed: '« {{step, message}} » a échoué sur {{host}} (code de sortie {{exitCode}}).',
  notInstalled: '{{tool}} n’est pas installé sur l’hôte (ou pas dans le PATH).',
  notRunnable: '{{tool}} ne peut pas être lancé par cet utilisateur sur l’hôte.',
  virshTimedOut:
    'virsh n’a pas répondu sur {{host}} en {{seconds}} s ({{commands, list}}) et n’a rien affiché.',
  virshTimedOutOutput:
    'virsh n’a pas répondu sur {{host}} en {{seconds}} s ({{commands, list}}) ; ce qu’il a affiché jusque-là est ci-dessous.',
  virshTimedOutHint:
    'Vérifiez libvirtd sur l’hôte (systemctl status libvirtd). Le virsh bloqué a été arrêté ; la prochaine tentative en lance un nouveau.',
  virshSessionEnded:
    'La session virsh sur {{host}} s’est terminée avant de répondre (connexion perdue ou virsh arrêté).',
  virshSessionEndedHint: 'Hyperdesk se reconnecte tout seul ; réessayez quand l’hôte est en ligne.',
}
