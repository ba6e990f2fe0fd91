/** Share 2 of 2 of the unit folder, in this one process (test/helpers/bundle.ts says why). */
import { runUnitShare } from '../helpers/bundle';

runUnitShare(1, 2);
