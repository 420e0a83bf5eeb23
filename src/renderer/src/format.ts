/** Sizes always with units, in binary multiples as libvirt and rbd count them. */
export function formatKiB(kib: number | undefined): string {
  if (kib === undefined) return '–'
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = kib
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`
}
