/** The hub's matching engine (see engine.ts for the rules). */
export { MatchingEngine, type EngineOptions, type EngineSnapshot } from './engine';
export { OrderBook, priority, crosses } from './book';
export { Claims, nodesHaveRoom, planTrade, loadAt, MS_PER_HOUR, type Plan, type PlanRequest } from './constraints';
export { GridProfile } from './grid';
export { affordableMWh, availableMilliUnits, costMilliUnits, inPriceBand, tradePrice } from './pricing';
export { checkOrder, checkRules, orderFromBody, type OrderBody } from './orders';
export type * from './types';
