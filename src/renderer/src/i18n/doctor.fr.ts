import type { MessageCatalog } from '../../../shared/messages/message'

/** The host doctor in French: every key of shared/messages/doctor.ts, same placeholders. */
export const doctorFr: MessageCatalog['doctor'] = {
  timeoutOk: 'timeout(1) est installé.',
  timeoutMissing: 'timeout(1) manque : Hyperdesk ne peut pas limiter la durée de ses commandes sur cet hôte.',
  runAsRoot: 'À lancer sur {{host}} en root :',
  libvirtOk: '{{user}} accède à qemu:///system (libvirt {{version}}).',
  libvirtGroup: '{{user}} n’est pas dans le groupe {{group}} : il ne peut pas gérer les VM.',
  libvirtGroupFix:
    'À lancer sur {{host}} en root, puis déconnectez et reconnectez {{host}} dans Hyperdesk (l’appartenance au groupe vaut pour les nouvelles connexions) :',
  libvirtDown: 'libvirtd ne répond pas sur qemu:///system.',
  libvirtDownFix: 'Redémarrez libvirtd sur {{host}} en root et lisez ses derniers messages :',
  domstatsOk: 'virsh domstats fonctionne (un seul appel groupé par actualisation).',
  domstatsMissing: 'virsh domstats est indisponible : l’inventaire fait un appel par VM.',
  upgradeLibvirt: 'Mettez libvirt à jour en version {{version}} ou plus récente.',
  eventsOk: 'virsh event --all --loop --timestamp est disponible (mises à jour en direct).',
  eventsNoTimestamp: 'virsh event n’a pas --timestamp : les événements sont datés à leur arrivée.',
  eventsMissing: 'virsh event est indisponible : l’état des VM est relu à intervalles au lieu d’être poussé.',
  keyringOk: '{{user}} peut lire un trousseau (keyring) pour client.{{client}}.',
  keyringMissing:
    '{{user}} ne peut lire aucun trousseau Ceph pour client.{{client}} : pas d’action sur le stockage, ni de vérification des watchers avant un démarrage.',
  keyringAbsent:
    '{{user}} ne peut lire aucun trousseau Ceph pour client.{{client}} ({{path}} n’existe pas) : pas d’action sur le stockage, ni de vérification des watchers avant un démarrage.',
  keyringFix:
    'En root sur un hôte qui a le trousseau admin, écrivez le trousseau (première ligne) ; copiez-le sur {{host}} s’il a été fait ailleurs ; puis sur {{host}}, donnez-en la lecture au groupe {{group}} (lignes suivantes) :',
  cephOk: 'Ceph répond à client.{{client}} : {{health}}',
  cephTimeout: 'Les moniteurs Ceph n’ont pas répondu en {{seconds}} s.',
  cephFailed: 'ceph health a échoué pour client.{{client}}.',
  cephFix: 'En root avec le trousseau admin, vérifiez que les moniteurs sont démarrés et en quorum :',
  rbdUnknown: 'rbd non vérifié : Ceph ne répond pas.',
  rbdOk: 'rbd ls et rbd status fonctionnent sur {{pools, list}}.',
  rbdCaps: 'client.{{client}} n’a pas les droits (caps) pour lister les images ou les watchers.',
  rbdFailed: 'rbd ne fonctionne pas avec ce client.',
  capsFix:
    'En root avec le trousseau admin, donnez à client.{{client}} les droits dont l’application a besoin :',
  rbdFailedFix: 'En root, vérifiez le cluster, puis relancez le diagnostic :',
  forwardingOk: 'sshd autorise la redirection TCP (consoles graphiques).',
  forwardingRefused: 'sshd refuse la redirection TCP : les consoles graphiques ne peuvent pas s’ouvrir.',
  forwardingFix:
    'Dans /etc/ssh/sshd_config sur {{host}} (ou un bloc Match User pour {{user}}), autorisez la redirection locale, puis rechargez sshd :',
  logOk: 'libvirtd.log est lisible ({{line}}).',
  logUnreadable: 'libvirtd.log n’est pas lisible : les erreurs s’affichent sans le journal du démon.',
  logFix:
    'En root sur {{host}}, permettez à {{user}} de lire les dernières lignes du journal avec cette règle sudo :',
  auditOk: 'logger(1) est disponible : les changements sont consignés dans le syslog de l’hôte.',
  auditMissing: 'logger(1) manque : les changements faits par Hyperdesk ne sont pas consignés sur l’hôte.',
  cephNewer:
    'Ceph {{version}} est plus récent que les versions que connaît Hyperdesk (jusqu’à {{newest}}, Tentacle) : une sortie illisible est signalée comme telle, jamais devinée.',
  cephNewerFix: 'Consultez docs/hosts.md pour les versions de Ceph prises en charge.',
  versionsOk: 'libvirt {{libvirt}}, QEMU {{qemu}}, Ceph {{ceph}}, OpenSSH {{openssh}}.',
  versionsOld: 'Plus ancien que pris en charge : {{old, list}}.',
  versionsOldFix: 'Mettez l’hôte à jour (docs/hosts.md donne les versions minimales).',
  lockBreakUnknown:
    'client.{{client}} ne peut peut-être pas lire ses propres droits : si ses droits mon sont le « allow r » du runbook, librbd ne peut pas lever le verrou d’un QEMU planté sur son disque (il doit d’abord mettre l’ancien propriétaire en liste de blocage), et la première écriture de la VM redémarrée ailleurs échoue.',
  lockBreakUnknownFix:
    'En root avec le trousseau admin, lisez ses droits (ceph auth get client.{{client}}) ; si mon vaut « allow r », donnez-lui profile rbd :',
  lockBreakOk:
    'client.{{client}} peut mettre en liste de blocage un propriétaire de verrou mort (mon « {{mon}} »).',
  lockBreakWarn:
    'client.{{client}} a mon « {{mon}} » : librbd ne peut pas lever le verrou d’un QEMU planté sur son disque (il doit d’abord mettre l’ancien propriétaire en liste de blocage), et la première écriture de la VM redémarrée ailleurs échoue.',
}
