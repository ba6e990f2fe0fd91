/**
 * `vigil_alert_active{rule,subject}`: 1 for each breach open at the scrape (clearing ones included: their
 * rows are still open), absent otherwise, so `count(vigil_alert_active)` is the number of open breaches
 * and a Prometheus alert can fire on `vigil_alert_active == 1`. Read from the engine's memory only.
 */
import type { Breach } from '../../store/alerts/evaluator';
import type { FamilySpec, Series } from './family';
import type { ScrapeView } from './metrics';

export function alertActiveFamily(active: () => readonly Breach[]): FamilySpec<ScrapeView> {
  return {
    name: 'vigil_alert_active',
    type: 'gauge',
    labelNames: ['rule', 'subject'],
    help: "Threshold breaches open now (1 each): rule is the rule's name, subject 'host', a device, interface, mount point, core, or pid:start_time.",
    series: function* (): Iterable<Series> {
      for (const b of active()) yield [{ rule: b.rule, subject: b.subject }, 1];
    },
  };
}
