import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { assertValidSvaml } from 'src/sinch/svaml/svaml.validator';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

export interface DefaultAnswers {
  ice: Svaml;
  ace: Svaml;
  pie: Svaml;
}

// When no feature claims a callback: a caller hears a polite message and is let go; an answered callout goes on
// as requested (continue); a menu result nobody expects ends the call.
export function buildDefaultAnswers(iceMessage: string): DefaultAnswers {
  return {
    ice: assertValidSvaml(buildSvaml(svaml.hangup(), svaml.say(iceMessage)), 'ice'),
    ace: assertValidSvaml(buildSvaml(svaml.continue()), 'ace'),
    pie: assertValidSvaml(buildSvaml(svaml.hangup()), 'pie'),
  };
}
