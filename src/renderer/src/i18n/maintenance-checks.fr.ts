import type { MessageCatalog } from '../../../shared/messages/message'

/** The maintenance pre-checks in French: every key of shared/messages/maintenance.ts. */
export const maintenanceChecksFr: MessageCatalog['maintenanceChecks'] = {
  refused: 'Maintenance de {{host}} non démarrée : {{reasons, messages}}',
  refusedHint: 'Corrigez ce que disent les vérifications, puis recommencez.',
  warnings: 'Confirmez ces avertissements pour démarrer la maintenance de {{host}} : {{reasons, messages}}',
  newWarnings:
    'Quelque chose a changé depuis que le plan de maintenance de {{host}} a été accepté : la migration de {{vm}} vers {{to}} a de nouveaux avertissements. Relisez-les et confirmez à nouveau pour continuer. {{reasons, messages}}',
  nooutUnread: 'Ceph n’a pas pu être lu : noout sera posé pour tout le cluster.',
  nooutNoOsd:
    '{{host}} n’a aucun OSD dans la carte CRUSH, donc aucun bucket d’hôte à marquer : noout est posé pour tout le cluster pendant le redémarrage. Aucun OSD ne devrait tomber ; noout empêche seulement les données de bouger si l’un tombe.',
  nooutNode:
    'noout seulement pour l’hôte CRUSH {{bucket}} (osd set-group), pour que ses OSD ne soient pas marqués « out » pendant le redémarrage de {{host}}.',
  hostOnline: '{{host}} est en ligne.',
  hostNotOnline: '{{host}} est dans l’état « {{status}} » : ses VM ne peuvent pas être migrées d’ici.',
  cephUnreadable: 'Impossible de lire l’état de Ceph : {{error, message}}',
  cephOk: 'Ceph est HEALTH_OK.',
  cephWarn: 'Ceph est HEALTH_WARN ({{summaries}}) : un redémarrage maintenant s’y ajouterait.',
  cephErr: 'Ceph est HEALTH_ERR ({{summaries}}) : réparez-le avant toute maintenance.',
  noOsds:
    '{{host}} n’a pas d’OSD : la carte CRUSH n’a pas de bucket d’hôte {{host}} avec des OSD (ses hôtes : {{buckets}}). Rien à arrêter.',
  osdsCanStop: 'Ceph indique que {{osds}} sur {{host}} peuvent s’arrêter (osd ok-to-stop).',
  osdsCannotStop: 'Ceph indique qu’arrêter {{osds}} sur {{host}} rendrait des données indisponibles.',
  monitorsLost:
    'Sans le ou les moniteurs de {{host}} ({{mine}}), seuls {{left}} moniteurs sur {{total}} restent en quorum : Ceph s’arrêterait. Moniteurs : {{monitors}}.',
  noMonitor: 'Aucun moniteur ne tourne sur {{host}} ; {{quorum}} sur {{total}} en quorum ({{monitors}}).',
  monitorsKept: '{{mine}} tourne(nt) sur {{host}} ; les {{left}} autres gardent le quorum.',
  noAutostart: 'Aucune VM n’a le démarrage automatique sur {{host}}.',
  autostart:
    '{{vms}} démarre(nt) d’elle(s)-même(s) au démarrage de {{host}}, alors qu’elle(s) tourne(nt) ailleurs après la migration : le disque serait utilisé deux fois.',
  autostartFix: 'Désactivez le démarrage automatique sur {{host}} (par UUID) :',
  privilegeNone:
    'noout ne peut pas être posé : client.{{client}} n’a pas le droit de lancer `ceph osd set noout` (EACCES) et aucun client privilégié ni sudo n’est configuré.',
  privilegeNoneFix:
    'Créez un client privilégié et nommez-le dans le fichier du cluster ({{config}}), ou autorisez les commandes exactes avec cette règle sudo : {{sudoRule}}',
  privilegeUnknown: 'Impossible de vérifier l’accès Ceph privilégié : {{error, message}}',
  privilegeOk: 'noout est posé avec {{who}} (vérifié sur {{on}}).',
  privilegeBroken: '{{who}} ne fonctionne pas sur {{on}}.',
  privilegeSudoFix: 'Autorisez les commandes exactes avec cette règle sudo sur chaque hôte :',
  privilegeClientFix: 'Créez le client privilégié en root avec le trousseau admin :',
  capacityOffline: '{{host}} n’est pas en ligne : {{vms}} ne peuvent pas y aller.',
  capacityUnknown: 'La mémoire libre de {{host}} est inconnue ({{vms}} y sont prévues).',
  capacityShort:
    '{{host}} a {{free, kib}} libres, {{vms}} demandent {{need, kib}} : choisissez d’autres destinations.',
  capacityOk: '{{host}} : {{vms}} demandent {{need, kib}} sur {{free, kib}} libres.',
  noVms: 'Aucune VM ne tourne sur {{host}} : rien à migrer.',
  migrationFailed: '{{vm}} → {{to}} : {{error, message}}',
  migrationCheck: '{{vm}} → {{to}} : {{check, message}}',
  guestsAbsent:
    'libvirt-guests n’est pas installé sur {{host}} : rien ne redémarre de VM au démarrage, hors démarrage automatique.',
  guestsOnBoot:
    'libvirt-guests est activé sur {{host}} avec ON_BOOT={{onBoot}} : une VM encore en marche à l’arrêt y redémarrerait au démarrage. Toutes les VM sont d’abord migrées ; vérifiez qu’il n’en reste aucune avant de redémarrer.',
  guestsOnBootFix: 'Dans /etc/default/libvirt-guests sur {{host}} :',
  guestsOk:
    'libvirt-guests sur {{host}} : {{enabled}}, ON_BOOT={{onBoot}} (ne redémarre aucune VM au démarrage), ON_SHUTDOWN={{onShutdown}}.',
  guestsUnknown: 'Impossible de vérifier libvirt-guests : {{error, message}}',
}
