import type { MessageCatalog } from '../../../shared/messages/message'

/** A VM's power, fencing and settings errors in French: every key of shared/messages/errors-vm.ts. */
export const vmErrorsFr: MessageCatalog['vmErrors'] = {
  invalidUuid: 'Ce n’est pas un UUID de VM : « {{value}} ».',
  unknownHost: 'Aucun hôte nommé « {{host}} » dans le fichier du cluster.',
  unknownVm: 'Aucun hôte ne définit de VM d’UUID {{uuid}}.',
  notDefinedOn: 'La VM {{uuid}} n’est pas définie sur {{host}}.',
  notDefinedOnHint: 'Synchronisez d’abord sa définition vers cet hôte.',
  startRefused: '{{name}} n’a pas été démarrée sur {{host}} : {{reasons, messages}}',
  startRefusedFenceHint:
    'Isolez d’abord l’hôte injoignable (après avoir confirmé qu’il est éteint ou isolé) : l’application met ses clients des disques sur la liste de blocage Ceph, puis démarre la VM.',
  refusedUnreachable: '{{host}} est injoignable ({{why, message}}) : {{name}} y tourne peut-être.',
  noAnswer: 'il ne répond pas',
  refusedFencedCopy:
    'Une copie isolée de {{name}} est encore sur {{host}} ({{state}}) : détruisez-la d’abord là-bas.',
  refusedAlreadyRunning: '{{name}} tourne déjà sur {{host}}.',
  refusedRunningElsewhere:
    '{{name}} tourne sur {{host}} : la démarrer sur {{target}} la ferait tourner deux fois sur le même disque.',
  refusedManagedSave:
    '{{name}} a une image mémoire sauvegardée sur {{host}} ; elle reprendrait sur un disque qui a pu changer depuis. Supprimez-la là-bas (virsh managedsave-remove) ou démarrez la VM sur {{host}}.',
  refusedImageInUse:
    'Le disque {{image}} est ouvert par {{addresses, list}} : un QEMU l’utilise encore quelque part. Une surveillance (watch) qui expire prouve seulement que son hôte a perdu Ceph pour l’instant : isolez d’abord cet hôte.',
  refusedImageLocked:
    'Le disque {{image}} est verrouillé par le client QEMU {{owner}} : il tourne quelque part, ou tournait sur un hôte perdu (isolez cet hôte).',
  refusedDefinitionUnreadable:
    'La définition de {{name}} sur {{host}} n’a pas pu être lue : ses disques, et qui les utilise, sont inconnus.',
  refusedVolume:
    'Le disque {{target}} de {{name}} est le volume {{volume}} du pool de stockage libvirt {{pool}}, {{why, message}} : Hyperdesk ne peut pas vérifier qui l’a ouvert. Définissez-le comme disque réseau (<source protocol="rbd" name="POOL/IMAGE">), ou démarrez la VM à la main après vérification.',
  refusedLocalDiskMissing:
    'Le disque {{target}} de {{name}} ({{file}}) manque sur {{host}} : c’est un fichier sur le disque propre d’un hôte, pas sur Ceph, et chaque hôte a le sien. Démarrez {{name}} sur l’hôte qui le détient, ou déplacez d’abord le fichier au même chemin sur {{host}}.',
  refusedBackingFileMissing:
    'Le disque {{target}} de {{name}} ({{file}}) repose sur le fichier de base (backing file) {{backing}}, qui manque sur {{host}} : QEMU ouvre chaque fichier de la chaîne d’un disque, et chaque hôte a les siens. Copiez-le d’abord au même chemin sur {{host}}, ou démarrez {{name}} sur l’hôte qui détient toute la chaîne.',
  refusedPoolMissing:
    'Le disque {{target}} de {{name}} est le volume {{volume}} du pool de stockage libvirt {{pool}}, que {{host}} ne définit pas : définissez et démarrez ce pool sur {{host}} (virsh pool-define, pool-start), ou démarrez {{name}} sur un hôte qui l’a.',
  refusedLocalVolumeMissing:
    'Le disque {{target}} de {{name}} est le volume {{volume}} du pool de stockage local {{pool}}, que {{host}} n’y trouve pas : un pool local est propre à chaque hôte. Créez-y le volume (ou démarrez le pool et rafraîchissez-le : virsh pool-refresh {{pool}}), ou démarrez {{name}} sur l’hôte qui le détient.',
  refusedLocalVolumeFileMissing:
    'Le disque {{target}} de {{name}} est le volume {{volume}} du pool de stockage local {{pool}}, dont le fichier {{path}} manque sur {{host}} : libvirt liste encore le volume (le pool n’a pas été rafraîchi depuis la disparition du fichier), mais QEMU ne peut pas l’ouvrir. Remettez le fichier à {{path}} sur {{host}}, ou lancez-y virsh pool-refresh {{pool}} et recréez le volume, ou démarrez {{name}} sur l’hôte qui le détient.',
  refusedLocalVolumeUnanswered:
    'Le disque {{target}} de {{name}} est le volume {{volume}} du pool de stockage local {{pool}}, et {{host}} n’a pas dit où est son fichier : démarrez à nouveau {{name}} quand {{host}} répondra.',
  poolNameRefused: 'dont Hyperdesk refuse de passer le nom à virsh',
  poolUnreadable: 'qui ne peut pas être lu sur {{host}} ({{reason}})',
  poolDefinitionUnreadable: 'dont la définition ne peut pas être lue',
  poolRbdName: 'une image RBD dont Hyperdesk ne peut pas passer le nom ({{image}}) à rbd',
  poolShared: 'un pool {{type}}, du stockage partagé sans surveillances (watchers) à lire',
  shutdownWaitStopped: 'Attente de l’arrêt de {{name}} interrompue.',
  confirmForceOff: 'Pour forcer l’arrêt de {{name}}, confirmez avec son nom exact.',
  noCephReader: 'Aucun hôte ne répond : Ceph ne peut être interrogé depuis nulle part.',
  fenceSameHost: 'La VM ne peut pas démarrer sur l’hôte qu’on isole ({{host}}).',
  confirmFence: 'Pour isoler {{host}} et démarrer {{name}}, confirmez avec son nom exact.',
  fenceRefused: 'L’isolation de {{host}} pour {{name}} est refusée : {{reasons, messages}}',
  fenceLiveWatcher:
    'Disques encore ouverts : {{watchers, list}}. L’isolation coupe le disque d’une VM qui tourne : confirmez-le à part.',
  fenceNeedsWholeIp:
    'Aucune adresse de client de {{host}} n’est connue pour les disques de {{name}} : seule l’isolation de son IP entière ({{ips, list}}) peut l’arrêter. Choisissez explicitement cette étape.',
  fenceNotConfirmed:
    'La liste de blocage ne contient pas {{addresses, list}} après l’ajout : {{name}} n’a pas été démarrée.',
  fenceAddFailed:
    'L’adresse {{address}} ({{lostHost}}) n’a pas pu être mise en liste de blocage via {{host}} : {{why, message}} Aucun verrou n’a été libéré et {{name}} n’a pas été démarrée. Déjà dans la liste de blocage : {{added, list}}.',
  fenceAddFailedNoEntry:
    'L’adresse {{address}} ({{lostHost}}) n’a pas pu être mise en liste de blocage via {{host}} : {{why, message}} Aucune entrée ajoutée, aucun verrou libéré, et {{name}} n’a pas été démarrée.',
  fenceAddFailedHint:
    'Corrigez ce qui a empêché l’ajout, puis isolez de nouveau {{host}} : les entrées déjà présentes sont ajoutées de nouveau et enregistrées avec l’isolation.',
  fenceNone: 'Aucune isolation de {{host}} n’est enregistrée pour cette VM.',
  confirmDestroyCopy: 'Pour détruire la copie isolée de {{name}}, confirmez avec son nom exact.',
  fencedHostUnreachable: '{{host}} ne répond pas : sa copie isolée ne peut pas encore être détruite.',
  fencedCopyStillRuns:
    '{{name}} tourne encore sur {{host}} après virsh destroy : les entrées de la liste de blocage restent.',
  settingsPartial:
    'Les réglages de {{name}} ont été écrits sur {{done, list}} mais pas sur {{failed, list}}.',
  settingsNone: 'Les réglages de {{name}} n’ont été écrits sur aucun hôte (pas sur {{failed, list}}).',
  settingsPartialHint:
    'Ses définitions diffèrent maintenant : une fois l’hôte revenu, synchronisez la définition depuis un hôte où elle a été écrite (vue de la VM › Définitions).',
}
