export interface ChartProps {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  height?: number;
}
