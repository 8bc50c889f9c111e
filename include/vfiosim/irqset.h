/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A trace's irqset event as VFIO_DEVICE_SET_IRQS flags and data size, for
 * the users that build a struct vfio_irq_set from it (the replayer, the
 * probe).
 */
#ifndef _VFIOSIM_IRQSET_H
#define _VFIOSIM_IRQSET_H

#include <stdint.h>
#include <linux/vfio.h>

#include "vfiosim/trace.h"

/* VFIO_IRQ_SET_ACTION_* | VFIO_IRQ_SET_DATA_* of @ev */
static inline uint32_t vfiosim_irqset_flags(const struct vfiosim_event *ev)
{
	static const uint32_t action[] = {
		[VFIOSIM_IRQ_TRIGGER] = VFIO_IRQ_SET_ACTION_TRIGGER,
		[VFIOSIM_IRQ_MASK] = VFIO_IRQ_SET_ACTION_MASK,
		[VFIOSIM_IRQ_UNMASK] = VFIO_IRQ_SET_ACTION_UNMASK,
	};
	static const uint32_t data[] = {
		[VFIOSIM_IRQ_DATA_NONE] = VFIO_IRQ_SET_DATA_NONE,
		[VFIOSIM_IRQ_DATA_BOOL] = VFIO_IRQ_SET_DATA_BOOL,
		[VFIOSIM_IRQ_DATA_EVENTFD] = VFIO_IRQ_SET_DATA_EVENTFD,
	};

	return action[ev->action] | data[ev->data_kind];
}

/* bytes of data= per vector: 0, a bool, or an eventfd */
static inline uint32_t vfiosim_irqset_data_size(const struct vfiosim_event *ev)
{
	static const uint32_t size[] = {
		[VFIOSIM_IRQ_DATA_NONE] = 0,
		[VFIOSIM_IRQ_DATA_BOOL] = sizeof(uint8_t),
		[VFIOSIM_IRQ_DATA_EVENTFD] = sizeof(int32_t),
	};

	return size[ev->data_kind];
}

#endif /* _VFIOSIM_IRQSET_H */
