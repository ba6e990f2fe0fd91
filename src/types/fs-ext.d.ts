/** The part of fs-ext (flock(2) for Node) that vigil uses. */
declare module 'fs-ext' {
  /** flags: 'sh' | 'ex' | 'un', with 'nb' appended for non-blocking; throws EAGAIN/EWOULDBLOCK when held. */
  export function flockSync(fd: number, flags: 'sh' | 'ex' | 'shnb' | 'exnb' | 'un'): void;
}
