package org.sipmediadeploy.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sandbox's records of cloud resources. Mutable, and only touched under {@link ResourceStore}'s lock. */
final class Resources {
    private Resources() {}

    record Network(
            String id,
            String name,
            boolean external,
            String subnetId,
            String subnetName,
            String cidr,
            String prefix,
            int segmentationId,
            Instant created) {}

    record Image(String id, String name, Instant created) {}

    record Flavor(String id, String name, int ram, int vcpus, int disk) {}

    record SecurityGroup(String id, String name, String description) {}

    static final class ServerRec {
        String id;
        String name;
        String imageId;
        String flavorId;
        String userId;
        String projectId;
        Map<String, String> metadata = new LinkedHashMap<>();
        String userData;
        String keyName;
        List<String> securityGroups = new ArrayList<>();
        Instant created;
        Instant updated;
        Instant launchedAt;
        String status = "BUILD";
        String taskState = "scheduling";
        String vmState = "building";
        int powerState;
        Map<String, Object> fault;
        List<String> portIds = new ArrayList<>();
        String reservationId;
        String availabilityZone = "";
        String instanceName = "";
        String adminPass;
        boolean deleting;
        String instanceKind;
    }

    static final class PortRec {
        String id;
        String name = "";
        String networkId;
        String subnetId;
        String projectId;
        String mac;
        String fixedIp;
        String hostIp;
        String deviceId = "";
        String deviceOwner = "";
        String status = "DOWN";
        long revision;
        Instant created;
        Instant updated;
        List<String> securityGroupIds = new ArrayList<>();
        String bindingHost = "";
    }

    static final class FipRec {
        String id;
        String address;
        String floatingNetworkId;
        String projectId;
        String portId;
        String fixedIp;
        String routerId;
        String description = "";
        long revision;
        Instant created;
        Instant updated;
    }
}
