/**
 * Clear-day PV shape: energy per watt-peak in each clock hour, from a small
 * clear-sky model — solar position (Cooper declination, equation of time,
 * local clock → solar time), Kasten–Young air mass, Meinel beam attenuation
 * (DNI = 1353·0.7^(AM^0.678)), diffuse 10 % of beam, ground albedo 0.2, and
 * the incidence on a tilted plane; module output = POA / 1000 W/m² per Wp.
 * Integrated minute by minute. A scenario's PV is shape × peakW × level
 * (`level` < 1 for derating, haze, or the paper lab's projector lamps).
 */
export interface SiteOptions {
  latDeg: number;
  lonDeg: number;
  /** Clock time zone, hours east of UTC. */
  tz: number;
  /** Day of year, 1..366. */
  doy: number;
  tiltDeg: number;
  /** Panel azimuth, degrees from north (180 = facing south). */
  azDeg: number;
}

/** The paper's testbed: Sfax, Tunisia, mid-April, 35° tilt facing south. */
export const SFAX_APRIL: SiteOptions = { latDeg: 34.74, lonDeg: 10.76, tz: 1, doy: 105, tiltDeg: 35, azDeg: 180 };

const rad = Math.PI / 180;

/** Plane-of-array irradiance (W/m²) at clock time `hours` (0..24). */
export function clearSkyPoa(site: SiteOptions, hours: number): number {
  const phi = site.latDeg * rad;
  const decl = 23.45 * rad * Math.sin((2 * Math.PI * (284 + site.doy)) / 365);
  const b = (2 * Math.PI * (site.doy - 81)) / 364;
  const eotMin = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
  const solar = hours - site.tz + site.lonDeg / 15 + eotMin / 60;
  const omega = 15 * (solar - 12) * rad;
  const cosZ = Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(omega);
  if (cosZ <= 0.01) return 0;
  const zDeg = Math.acos(cosZ) / rad;
  const am = 1 / (cosZ + 0.50572 * Math.pow(96.07995 - zDeg, -1.6364));
  const e0 = 1 + 0.033 * Math.cos((2 * Math.PI * site.doy) / 365);
  const dni = 1353 * e0 * Math.pow(0.7, Math.pow(am, 0.678));
  const dhi = 0.1 * dni;
  const ghi = dni * cosZ + dhi;
  const beta = site.tiltDeg * rad;
  const gamma = (site.azDeg - 180) * rad; // surface azimuth from south, west positive
  const cosTheta =
    Math.sin(decl) * Math.sin(phi) * Math.cos(beta) -
    Math.sin(decl) * Math.cos(phi) * Math.sin(beta) * Math.cos(gamma) +
    Math.cos(decl) * Math.cos(phi) * Math.cos(beta) * Math.cos(omega) +
    Math.cos(decl) * Math.sin(phi) * Math.sin(beta) * Math.cos(gamma) * Math.cos(omega) +
    Math.cos(decl) * Math.sin(beta) * Math.sin(gamma) * Math.sin(omega);
  return dni * Math.max(0, cosTheta) + (dhi * (1 + Math.cos(beta))) / 2 + (ghi * 0.2 * (1 - Math.cos(beta))) / 2;
}

/** Wh per Wp in each clock hour (24 values). */
export function clearDayShape(site: SiteOptions = SFAX_APRIL): number[] {
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    let wh = 0;
    for (let m = 0; m < 60; m++) wh += clearSkyPoa(site, h + (m + 0.5) / 60) / 1000 / 60;
    out.push(wh);
  }
  return out;
}
