import type { MigrationCheckText } from '../../../shared/migration-checks'

/** The migration pre-checks in French: every key of shared/migration-checks.ts, same placeholders. */
export const migrationChecksFr: Record<MigrationCheckText, string> = {
  sourceRunningTwice:
    '{{name}} tourne à la fois sur {{hosts}} : arrêtez la copie en trop avant toute autre chose.',
  sourceRunning: '{{name}} tourne sur {{from}}.',
  sourceRunningElsewhere: '{{name}} tourne sur {{host}}, pas sur {{from}}.',
  sourceNotRunning:
    '{{name}} ne tourne pas : une migration à chaud demande une VM démarrée (démarrez-la plutôt sur {{to}}).',
  destinationOnline: '{{to}} est en ligne.',
  destinationNotOnline: '{{to}} n’est pas en ligne ({{status}}){{reason}} : connectez-vous-y d’abord.',
  migrationAddressShared:
    '{{to}} n’a pas d’adresse de migration (migrationAddress) à part dans le fichier du cluster : la migration passe par son adresse SSH {{address}}, pas par le réseau privé du runbook.',
  migrationAddress: 'La migration passe par l’adresse privée de {{to}}, {{address}}.',
  failoverIp:
    'Basculez l’IP failover {{ip}} vers {{to}} dans la console OVH avant de migrer (cela prend plusieurs minutes).',
  sourceUnreadable: 'Impossible de lire {{name}} sur {{from}} : {{error}}',
  sourceJob:
    '{{name}} a déjà une tâche en cours sur {{from}} ({{operation}}) : attendez qu’elle finisse ou interrompez-la.',
  sourceUnparsable: 'La définition de {{name}} sur {{from}} est illisible : {{error}}',
  sourceDefinitionUnreadable: 'Impossible de lire la définition de {{name}} sur {{from}} : {{error}}.',
  destinationUnreadable: 'Impossible de faire les vérifications sur {{to}} : {{error}}',
  notDefined:
    '{{name}} (UUID {{uuid}}) n’est pas définie sur {{to}} ({{error}}) : synchronisez d’abord sa définition depuis {{from}}.',
  defined: '{{name}} est définie sur {{to}} avec le même UUID.',
  noDrift:
    'La définition sur {{to}} est identique à celle de {{from}} : elle reste définie sur les deux après la migration.',
  drift:
    'La définition de {{name}} sur {{to}} diffère de celle de {{from}} : synchronisez-la (depuis l’hôte dont la définition est la bonne) avant de migrer, pour qu’elle reste sur les deux hôtes.',
  destinationStateUnknown: 'Impossible de lire l’état de {{name}} sur {{to}}.',
  notRunningOnDestination: '{{name}} est éteinte sur {{to}}.',
  runningOnDestination:
    '{{name}} est dans l’état « {{state}} » sur {{to}} : elle tournerait deux fois sur le même disque. Arrêtez d’abord cette copie.',
  managedSave:
    '{{name}} a une image mémoire sauvegardée sur {{to}}, qui pourrait démarrer une copie périmée : supprimez-la là-bas (virsh managedsave-remove {{uuid}}).',
  noManagedSave: '{{name}} n’a pas de sauvegarde mémoire (managed save) sur {{to}}.',
  memoryUnknown: 'Impossible de lire la mémoire libre de {{to}}.',
  memoryShort:
    'Pas assez de mémoire sur {{to}} : {{name}} a besoin de {{need, mib}} ; {{to}} a {{available, mib}} disponibles.',
  memoryTight:
    '{{name}} a besoin de {{need, mib}} ; {{to}} a {{available, mib}} disponibles : il resterait moins de {{margin, mib}} à l’hôte.',
  memory: '{{name}} a besoin de {{need, mib}} ; {{to}} a {{available, mib}} disponibles.',
  disksLocal:
    '{{disks}} : pas sur Ceph RBD. Une migration à chaud demande que tous les disques soient sur un stockage partagé.',
  disksShared: 'Tous les disques sont sur Ceph RBD ({{disks}}).',
  noDisks: 'La VM n’a aucun disque à déplacer.',
  cdromMissing:
    'L’image CD-ROM {{images}} manque sur {{to}} : copiez-la au même chemin là-bas, ou éjectez-la.',
  cdromPresent: '{{images}} est présente sur {{to}}.',
  noCdrom: 'Aucune image CD-ROM insérée.',
  bootFilesMissing:
    '{{files}} manquant sur {{to}} : QEMU ouvre le noyau, l’initrd et le firmware de la VM sur le disque de l’hôte en l’y démarrant. Copiez-les d’abord au même chemin sur {{to}}.',
  bootFilesPresent: '{{files}} présent sur {{to}}.',
  noBootFiles: 'Aucun fichier de noyau, d’initrd ni de firmware à trouver sur la destination.',
  bridgesMissing: 'Manquant sur {{to}} : {{missing}}.',
  bridgesPresent: '{{bridges}} présent sur {{to}}.',
  noBridges: 'Aucun bridge ni réseau libvirt nécessaire.',
  secretUnusable:
    'Le secret Ceph n’est pas utilisable sur {{to}} ({{problems}}) : définissez-le là-bas avec virsh secret-define et secret-set-value, comme sur {{from}}.',
  secretPresent: 'Le secret Ceph {{secrets}} a une valeur sur {{to}}.',
  noSecret: 'Aucun secret Ceph nécessaire.',
  cpuSame: 'Les deux hôtes ont un CPU {{model}} ({{mode}}).',
  cpuDiffers:
    '{{name}} utilise le CPU de l’hôte ({{mode}}) et les CPU des hôtes diffèrent ({{from}} : {{source}}, {{to}} : {{destination}}) : l’invité peut planter ou refuser de migrer.',
  cpuDefault: '{{name}} utilise le modèle de CPU par défaut de l’hyperviseur.',
  cpuModelUsable: 'Le modèle de CPU {{model}} est utilisable sur {{to}}.',
  cpuModelUnusable:
    'Le modèle de CPU {{model}} n’est pas utilisable avec le CPU de {{to}} : changez le modèle de CPU de la VM.',
  cpuModelUnknown: 'Impossible de confirmer que le modèle de CPU {{model}} est utilisable sur {{to}}.',
}
