import type { MessageCatalog } from '../../../shared/messages/message'

/** VM definition edits in French: every key of shared/vmedit-texts.ts, same placeholders. */
export const vmeditFr: MessageCatalog['vmedit'] = {
  hostUnreachable:
    '{{host}} ne répond pas ({{error}}) : une définition se modifie sur tous les hôtes à la fois. Modifiez-la quand il répondra.',
  notDefined:
    '{{name}} n’est pas définie sur {{host}} : synchronisez d’abord sa définition sur cet hôte (vue de la VM, définitions).',
  drift:
    'La définition de {{name}} diffère entre {{reference}} et {{host}} : synchronisez d’abord les définitions (vue de la VM, définitions), puis modifiez.',
  unknownVm: 'Aucun hôte joignable ne définit de VM d’UUID {{uuid}}.',
  xmlInvalid:
    'La définition lue sur {{host}} ne peut pas être modifiée : son XML est illisible (le message du lecteur ci-dessous).',
  bootPerDevice:
    'L’ordre de démarrage de {{name}} est fixé sur ses périphériques ({{detail}}) : modifiez-le dans le XML (mode expert).',
  cdromUnknown: '{{name}} n’a pas de lecteur de CD-ROM {{target}}.',
  vcpusOverMax: 'Les vCPU ({{vcpus, number}}) ne peuvent pas dépasser le maximum ({{max, number}}).',
  memoryOverMax: 'La mémoire ({{memory, mib}}) ne peut pas dépasser la mémoire maximale ({{max, mib}}).',
  autostartHost:
    '{{host}} ne définit pas {{name}} : le démarrage automatique se règle sur l’un de {{hosts, list}}.',
  isoMissing: '{{iso}} manque sur {{hosts, list}} : placez-la d’abord sur chaque hôte.',
  isoUnchecked: 'Impossible de vérifier {{iso}} sur {{host}}.',
  expertMixed:
    'Une modification du XML (mode expert) s’applique seule : appliquez d’abord les modifications du formulaire, ou mettez-les dans le XML.',
  expertMalformed: 'Le XML est illisible (le message du lecteur ci-dessous) : rien n’a été envoyé aux hôtes.',
  expertRename:
    'Le XML renomme {{name}} en {{newName}} : le mode expert ne renomme pas. Remettez le nom, et utilisez Renommer (VM arrêtée).',
  expertUuid:
    'Le XML change l’UUID de {{name}} ({{uuid}} → {{newUuid}}) : libvirt y verrait une autre VM. Remettez l’UUID.',
  expertUuidMissing:
    'Le XML n’a pas de <uuid> : libvirt en donnerait un autre à {{name}}. Remettez <uuid>{{uuid}}</uuid>.',
  expertInvalid:
    'Le schéma de libvirt refuse le XML sur {{host}} (virt-xml-validate) : rien n’a été modifié. Sa sortie suit.',
  expertNoValidator:
    'virt-xml-validate manque sur {{host}}, le XML ne peut donc pas y être vérifié : installez libvirt-clients sur {{host}}.',
  expertUnchecked: 'Impossible de vérifier le XML sur {{host}} avec virt-xml-validate.',
  nothing: 'Rien à modifier.',
  vncPasswordLong:
    'Le mot de passe VNC du XML a {{count, number}} caractères : VNC en utilise {{max, number}} au plus, et libvirt refuse un mot de passe plus long. Raccourcissez-le.',
  displayPasswordUnknown:
    'Le XML garde un mot de passe d’affichage masqué qui n’est plus celui de la définition (il a changé depuis la lecture du XML) : relisez le XML.',
  displayPasswordChanged: 'Le mot de passe {{display}} change (non affiché).',
  displayPasswordSet: 'Un mot de passe {{display}} est défini (non affiché).',
  displayPasswordRemoved:
    'Le mot de passe {{display}} est supprimé : quiconque atteint le port de la console pourra s’y connecter.',
  refused: {
    one: '{{name}} n’a pas été modifiée : {{count, number}} raison.',
    other: '{{name}} n’a pas été modifiée : {{count, number}} raisons.',
  },
  changed:
    'La définition de {{name}} a changé sur {{hosts, list}} depuis l’affichage des différences (un autre administrateur ?) : rien n’a été modifié. Relisez les nouvelles différences et appliquez de nouveau.',
  readBack: '{{host}} relit une autre définition que {{reference}} après la modification.',
  readBackField: '{{host}} n’a pas gardé la modification ({{fields, list}}).',
  failedUndone:
    'La modification de {{name}} a échoué ({{cause, message}}). La définition précédente a été remise sur {{hosts, list}}.',
  failedRemains:
    'La modification de {{name}} a échoué ({{cause, message}}), et la définition précédente n’a pas pu être remise sur {{hosts, list}} : synchronisez la définition depuis un hôte qui l’a (vue de la VM, définitions).',
  diskUnknown: '{{name}} n’a pas de disque {{target}}.',
  diskCdrom: '{{target}} est un lecteur de CD-ROM : éjectez plutôt son média (champ CD-ROM).',
  diskNotRbd: '{{target}} n’est pas un disque RBD : seuls les disques RBD s’agrandissent ici.',
  diskNoRbd:
    '{{name}} n’a aucun disque RBD dont reprendre l’accès à Ceph (client et secret) : attachez son premier disque en mode expert.',
  diskAttached: '{{image}} est déjà attachée à {{name}} en tant que {{target}}.',
  diskTargetsFull: '{{name}} n’a plus de cible de disque virtio libre (vda à vdz).',
  diskDetachGrow: '{{target}} est à la fois détaché et agrandi : choisissez l’un ou l’autre.',
  diskPool: '{{pool}} n’est pas l’un des pools du cluster ({{pools, list}}).',
  diskImageExists:
    '{{image}} existe déjà : choisissez un autre nom, ou attachez-la comme image existante (sans taille).',
  diskImageMissing:
    '{{image}} n’existe pas : donnez une taille pour la créer, ou vérifiez son nom dans la vue Stockage.',
  diskImageUsed:
    '{{image}} figure dans la définition de {{vm}} sur {{host}} : une image appartient à une seule VM. Détachez-la d’abord de {{vm}}.',
  diskImageOpen:
    '{{image}} est ouverte par {{watchers, list}} : un QEMU ou un autre client l’utilise. Arrêtez d’abord ce client.',
  diskUnreadable:
    'La définition de {{vm}} sur {{host}} n’a pas pu être lue : elle utilise peut-être {{image}}. Actualisez, ou corrigez d’abord cette définition.',
  diskUnchecked:
    'Impossible de lire {{image}} dans Ceph via {{host}} : vérifiez la vue Ceph, puis affichez de nouveau les modifications.',
  diskNotLarger:
    '{{target}} ({{image}}) fait {{from, size}} : {{to, size}} n’est pas plus grand. Un disque ne fait ici que grandir ; on le réduit dans la vue Stockage, VM arrêtée.',
  imageCreateFailed: 'La création de {{image}} a échoué.',
  failedImagesRemain:
    'La modification de {{name}} a échoué ({{cause, message}}). La définition précédente est de retour sur chaque hôte, mais {{images, list}} créée pour la modification n’a pas pu être supprimée : supprimez-la dans la vue Stockage.',
  grownKept:
    '{{images, list}} a grandi avant l’échec et reste plus grande : une annulation ne réduit jamais un disque.',
  nicUnknown: '{{name}} n’a pas de carte réseau de MAC {{mac}}.',
  nicNotBridge:
    'La carte réseau {{mac}} n’est pas sur un pont (type {{type}}) : changez son réseau en mode expert.',
  nicMacTwice: 'La MAC {{mac}} serait sur deux cartes réseau de {{name}}.',
  nicRemoveChange: 'La carte réseau {{mac}} est à la fois retirée et modifiée : choisissez l’un ou l’autre.',
  macUsed:
    'La MAC {{mac}} est déjà utilisée par {{vm}} sur {{host}} : une MAC est unique parmi toutes les définitions de tous les hôtes.',
  macUnconfirmed:
    'La définition de {{vm}} sur {{host}} n’a pas pu être lue : ses MAC sont inconnues, {{mac}} ne peut donc pas être vérifiée. Actualisez, ou corrigez d’abord cette définition.',
  bridgeMissing:
    'Le pont {{bridge}} manque sur {{hosts, list}} : la VM peut tourner sur chaque hôte, chacun en a donc besoin.',
  bridgeUnchecked: 'Impossible de lister les ponts de {{host}} pour y chercher {{bridge}}.',
  stepFailed: '« {{step}} » a échoué sur {{host}}',
  liveDone: '{{host}} : {{action}} appliqué à la VM en marche.',
  liveFailed:
    '{{host}} : {{action}} n’a pas pu être appliqué à la VM en marche : cela s’appliquera à son prochain démarrage.',
  edited: '{{name}} modifiée sur {{hosts, list}}.',
  pendingRestart: 'En attente du redémarrage : {{parts, messageList}}.',
  partVcpus: 'vCPU',
  partMaxVcpus: 'vCPU maximum',
  partMemoryMiB: 'mémoire',
  partMaxMemoryMiB: 'mémoire maximale',
  partBootOrder: 'ordre de démarrage',
  partCdroms: 'média du CD-ROM',
  partNics: 'cartes réseau',
  partDisks: 'disques',
  partCpu: 'modèle de CPU',
  partFeatures: 'fonctions de la machine (ACPI, APIC…)',
  partClock: 'horloge',
  partOs: 'micrologiciel et type de machine',
  partGraphics: 'console graphique',
  partDisplayPassword: 'mot de passe de l’affichage',
  partDevices: 'autres périphériques (contrôleurs, consoles, vidéo…)',
  partOther: 'autres réglages (affinité CPU, mémoire, actions à l’arrêt ou au plantage…)',
}
